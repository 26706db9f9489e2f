"""TeX accents in names, titles and abstracts become Unicode at normalisation; math stays TeX."""

from __future__ import annotations

import pytest

from pipeline.fetch.normalise import normalise
from pipeline.fetch.tex import tex_to_unicode
from pipeline.models import RawAuthor, RawItem


@pytest.mark.parametrize(
    "tex, text",
    [
        ('Jakob G\\"unther', "Jakob Günther"),
        ('G{\\"u}nther', "Günther"),
        ("Cram\\'er-Rao bound", "Cramér-Rao bound"),
        ("Fran\\c{c}ois Erd\\H{o}s", "François Erdős"),
        ("\\v Cech and Ko\\v{c}i", "Čech and Koči"),
        ('na\\"{\\i}ve \\o{}rsted Stra\\ss e', "naïve ørsted Straße"),
        ("{\\'E}cole S\\~ao Paulo", "École São Paulo"),
        ("50\\% \\& more", "50% & more"),
    ],
)
def test_accents_and_letters_become_unicode(tex, text):
    assert tex_to_unicode(tex) == text


@pytest.mark.parametrize(
    "text",
    [
        "Surface codes with $d=7$ and $\\'e$ kept for KaTeX",
        '$$\\"a$$ and \\(\\hat{x}\\)',
        "plain -- 50% & ~ text",
        "an unknown \\command{stays}",
    ],
)
def test_math_and_other_text_stay_as_written(text):
    assert tex_to_unicode(text) == text


def test_normalised_papers_name_one_author_however_the_source_wrote_the_accent():
    def paper(arxiv_id, name, title):
        return normalise(
            RawItem(
                source_id="s",
                title=title,
                arxiv_id=arxiv_id,
                abstract="A Cram\\'er bound on $\\'x$.",
                authors=(RawAuthor(name, ("Universit\\'e Paris",)),),
            ),
            "arXiv",
        )

    tex = paper("2609.00011", 'Jakob G\\"unther', "The Cram\\'er-Rao bound for $\\hat\\theta$")
    plain = paper("2609.00012", "Jakob Günther", "Another paper")
    assert tex.authors[0].name == plain.authors[0].name == "Jakob Günther"
    assert tex.authors[0].affiliations == ("Université Paris",)
    assert tex.title == "The Cramér-Rao bound for $\\hat\\theta$"
    assert tex.abstract == "A Cramér bound on $\\'x$."
