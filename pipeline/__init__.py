"""AcademicHub: fetch, curate, brief and publish the day's research papers."""

__version__ = "0.1.0"
