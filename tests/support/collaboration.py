"""A collaboration paper as arXiv's API serves one: thousands of authors, each with an affiliation.

Made from the captured arXiv API record of ``arxiv_api/api-idlist-astro-ph-0601001-affiliations-2026-05-11.xml``
(its document, namespaces and element order: ``<author><name/><arxiv:affiliation/></author>``), with the
author list of a large collaboration in the shape of the LIGO–Virgo–KAGRA papers arXiv lists in full
(GW170817's multi-messenger paper, arXiv:1710.05833, names some 3,600 authors): "Initial. Family" names
from many countries, in alphabetical order of family name, several authors sharing a family name,
each with one or two of a few hundred institutes. Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "feeds"
    / "arxiv_api"
    / "api-idlist-astro-ph-0601001-affiliations-2026-05-11.xml"
)

FAMILIES = """Aasi Abbott Abernathy Acernese Ackley Adams Addesso Adhikari Adya Affeldt Agathos Agatsuma Aggarwal
Aguiar Aiello Ain Ajith Allen Allocca Altin Amato Ananyeva Anderson Angelova Antier Appert Arai Araya Areeda
Arène Arnaud Arun Ascenzi Ashton Ast Aston Astone Aufmuth Aulbert Avila-Alvarez Babak Bacon Bader Bae Baker
Baldaccini Ballardin Ballmer Banagiri Barayoga Barclay Barish Barker Barone Barr Barsotti Barsuglia Barta
Bartlett Bartos Bassiri Basti Batch Baune Bawaj Bazzan Bécsy Beer Bejger Belahcene Bell Berger Bergmann
Bero Berry Bersanetti Bertolini Betzwieser Bhagwat Bhandare Bilenko Billingsley Billman Birch Birney Birnholtz
Biscans Biscoveanu Bisht Bitossi Biwer Bizouard Blackburn Blair Bloemen Bock Bode Boer Bogaert Bohe Bondu
Bonilla Bonnand Boom Bork Boschi Bose Bossie Bouffanais Bozzi Bradaschia Brady Branchesi Brau Briant Brillet
Brinkmann Brisson Brockill Brooks Brown Brunett Buikema Bulik Bulten Buonanno Buskulic Buy Byer Cabero Cadonati
Cagnoli Cahillane Calderón Bustillo Callister Calloni Camp Canepa Cannon Cao Capano Capocasa Carbognani Caride
Carney Carullo Casanueva Caudill Cavaglià Cavalier Cavalieri Cella Cepeda Cerdá-Durán Cerretani Cesarini Chamberlin
Chan Chao Charlton Chase Chassande-Mottin Chatterjee Chen Cheng Cheung Chia Chincarini Chiummo Cho Choi Chu
Chua Chung Ciani Ciolfi Cirillo Cirone Clara Clark Clearwater Cleva Cocchieri Coccia Cohadon Cohen Colla
Collette Cominsky Constancio Conti Cooper Corban Cordero-Carrión Corley Cornish Corsi Cortese Costa Cotesta
Coughlin Coulon Countryman Couvares Covas Cowan Coyne Craig Creighton Cripe Croquette Crowder Cullen Cumming
Cunningham Cuoco Canton Dálya Danilishin D'Antonio Danzmann Dasgupta Davier Davis Daw DeBra Deelman Degallaix
Del Pozzo Dent Deppe Derby Dergachev Dhurandhar Díaz Dietrich Di Fiore Di Giovanni Di Lieto Di Pace Donovan
Dooley Doravari Dorrington Douglas Dovale Álvarez Downes Drago Dreissigacker Driggers Du Dupej Dwyer Easter
Edo Edwards Effler Eggenstein Ehrens Eichholz Eikenberry Eisenmann Essick Estevez Etienne Etzel Evans Fafone
Fair Fairhurst Fan Farinon Farr Favata Fays Fazeli Fee Feicht Fejer Fernandez-Galiana Ferrante Ferreira
Ferrini Fidecaro Fiori Fiorucci Fishbach Fisher Flaminio Fletcher Fong Forsyth Fournier Frasca Frasconi Frei
Freise Frey Frolov Fulda Fyffe Gabbard Gadre Gaebel Gair Gammaitoni Ganija Gaonkar Garcia-Quiros Garufi
Gateley Gaudio Gaur Gayathri Gemme Genin Gennai George Gergely Germain Ghonge Ghosh Giaime Giardina Giazotto
Gill Glover Goetz Goetz Gondan González Gopakumar Gorodetsky Gossan Gosselin Gouaty Grado Graef Granata
Grant Gras Gray Greco Green Gretarsson Groot Grote Grunewald Gruning Guidi Guo Gupta Gurs Gustafson Hall
Hamilton Hammond Haney Hannam Hanson Hanke Hanks Hannuksela Hardwick Harry Hart Hartman Haster Haughian
Healy Heidmann Heinzel Heitmann Hello Hemming Hendry Heng Hennig Heptonstall Heurs Hild Hinderer Hoak Hofman
Holt Holz Hopkins Horst Hough Houston Howell Hreibi Huerta Huet Hughey Hulko Husa Huttner Huynh-Dinh Indik
Inta Intini Isa Isac Isi Iyer Izumi Jacqmin Jani Jaranowski Jawahar Jiménez-Forteza Johnson Jones Jonker
Ju Junker Kalaghatgi Kalogera Kamai Kandhasamy Kang Kanner Kapadia Karki Karvinen Kasprzack Katolik Katsanevas
Kaur Kawabe Kawazoe Kéfélian Keitel Kemball Kennedy Key Khalili Khan Khazanov Kijbunchoo Kim King Kinley-Hanlon
Kirchhoff Kissel Kleybolte Klimenko Knowles Koch Koehlenbeck Koley Kondrashov Kontos Korobko Korth Kowalska
Kozak Kringel Krishnan Królak Kuehn Kumar Kuo Kutynia Kwang Lackey Lai Landry Lang Lange Lantz Lanza Lartaux-Vollard
Lasky Laxen Lazzarini Lazzaro Leaci Leavey Lee Lehmann Lenon Leonardi Leroy Letendre Levin Li Liu Lo Lockerbie
London Lopez Lord Lorenzini Loriette Lormand Losurdo Lough Lousto Lovelace Lück Lumaca Lundgren Lynch Ma
Macas Macfoy Machenschalk MacInnis Macleod Magaña Hernandez Magaña-Sandoval Magee Majorana Maksimovic Malvezzi
Man Mandic Mangano Mansell Manske Mantovani Marchesoni Marion Márka Martelli Martellini Martin Martynov Mason
Massera Masserot Massinger Mastrogiovanni Matas Matichard Mavalvala Mazumder McCarthy McClelland McCormick
McCuller McGuire McIntyre McIver McManus McRae McWilliams Meacher Meadors Mehmet Meidam Mejuto-Villa Melatos
Mendell Merilh Merzougui Meshkov Messenger Messick Metzdorff Meyers Miao Michel Middleton Milano Miller
Millhouse Minazzoli Minenkov Ming Mishra Mitra Mitrofanov Mitselmakher Mittleman Moffa Moggi Mogushi Mohan
Mohapatra Montani Moore Moraru Moreno Morriss Mours Mow-Lowry Mueller Muir Mukherjee Mukund Mullavey Munch
Muñiz Murray Nagy Nakano Naticchioni Nayak Neilson Nelemans Nelson Nery Neunzert Nevin Newport Ng Nguyen
Nichols Nielsen Nissanke Nitz Nocera Nolting North Nuttall Oberling Ochsner Oelker Ogin Oh Ohme Oliver Oppermann
Oram O'Reilly Ormiston Ortega O'Shaughnessy Ossokine Ottaway Overmier Owen Pace Page Pagliaroli Pai Pal Palamos
Palashov Palomba Pan Pang Pannarale Pant Paoletti Paoli Parida Parker Pascucci Pasqualetti Passaquieti Passuello
Patil Patricelli Pearlstone Pedersen Pedraza Pedurand Pele Penn Perez Perreca Pfeiffer Phelps Phukon Piccinni
Pichot Piergiovanni Pierro Pillant Pinard Pinto Pirello Pitkin Poggiani Popolizio Porter Possenti Prasad Pratten
Prestegard Principe Privitera Prix Prodi Prokhorov Puncken Punturo Puppo Pürrer Qi Quetschke Quinonez Raab
Rabeling Radkins Raffai Raja Rajan Rajbhandari Rakhmanov Ramirez Ramos-Buades Rapagnani Raymond Razzano Read
Regimbau Rei Reid Reitze Ren Ricci Richardson Ricker Rizzo Robertson Robie Robinet Rocchi Rolland Romano
Romie Rose Rosińska Ross Rowan Rüdiger Ruggi Rutins Ryan Sachdev Sadecki Sakellariadou Salconi Saleem Salemi
Samajdar Sammut Sampson Sanchez Sandberg Sandeen Sanders Santos Sassolas Sathyaprakash Sauter Savage Sawadsky
Schale Scheel Scheuer Schmidt Schnabel Schofield Schönbeck Schreiber Schulte Schutz Schwalbe Scott Seglar-Arroyo
Sellers Sengupta Sentenac Sequino Sergeev Setyawati Shaddock Shaffer Shah Shahriar Shaner Shao Shapiro Sharma
Shawhan Shen Shink Shoemaker Shoish Siellez Siemens Sieniawska Sigg Silva Singer Singh Singhal Sintes Slagmolen
Slaven-Blair Smith Somala Son Sorazu Sorrentino Souradeep Sowell Spencer Srivastava Staats Stachie Standke
Steinke Steinlechner Stevenson Stocks Stone Stops Strain Stratta Strigin Strunk Sturani Stuver Sudhir Summerscales
Sun Sunil Suresh Sutton Swinkels Szczepańczyk Tacca Tait Talbot Talukder Tanner Tápai Taracchini Tasson Taylor
Thies Thomas Thorne Thrane Tiwari Tokmakov Toland Tonelli Tornasi Torres Torrie Töyrä Travasso Traylor Tringali
Tsang Tse Tso Tsukada Tsuna Tuyenbayev Ueno Ugolini Unnikrishnan Urban Usman Vahlbruch Vajente Valdes Vander-Hyde
Van Den Broeck Vander-Hyde van der Schaaf Vardaro Varma Vass Vasúth Vecchio Vedovato Veitch Veltkamp Venkateswara
Venugopalan Verkindt Vetrano Viceré Viets Vine Vinet Vitale Vo Vocca Vorvick Vyatchanin Wade Wallace Walsh
Wang Ward Warner Was Weinert Weinstein Weiss Wen Wessel Weßels Westerweck Whelan Whiting Whittle Wilken Williams
Willis Wipf Wofford Wong Woodbury Worden Wright Wu Xiao Yamamoto Yancey Yang Yap Yazback Ye Yu Yvert Zadrożny
Zanolin Zelenova Zendri Zevin Zhang Zhao Zhou Zhu Zimmerman Zucker Zweizig""".split()

INSTITUTES = """LIGO, California Institute of Technology, Pasadena, CA 91125, USA
Louisiana State University, Baton Rouge, LA 70803, USA
Università di Salerno, Fisciano, I-84084 Salerno, Italy
INFN, Sezione di Napoli, Complesso Universitario di Monte S. Angelo, I-80126 Napoli, Italy
University of Florida, Gainesville, FL 32611, USA
OzGrav, School of Physics & Astronomy, Monash University, Clayton 3800, Victoria, Australia
LIGO Livingston Observatory, Livingston, LA 70754, USA
Laboratoire d'Annecy de Physique des Particules (LAPP), Univ. Grenoble Alpes, CNRS/IN2P3, F-74941 Annecy, France
University of Sannio at Benevento, I-82100 Benevento, Italy
Max Planck Institute for Gravitational Physics (Albert Einstein Institute), D-30167 Hannover, Germany
Nikhef, Science Park 105, 1098 XG Amsterdam, The Netherlands
LIGO, Massachusetts Institute of Technology, Cambridge, MA 02139, USA
Instituto Nacional de Pesquisas Espaciais, 12227-010 São José dos Campos, São Paulo, Brazil
Gran Sasso Science Institute (GSSI), I-67100 L'Aquila, Italy
INFN, Laboratori Nazionali del Gran Sasso, I-67100 Assergi, Italy
Inter-University Centre for Astronomy and Astrophysics, Pune 411007, India
International Centre for Theoretical Sciences, Tata Institute of Fundamental Research, Bengaluru 560089, India
University of Wisconsin-Milwaukee, Milwaukee, WI 53201, USA
Leibniz Universität Hannover, D-30167 Hannover, Germany
Università di Pisa, I-56127 Pisa, Italy
INFN, Sezione di Pisa, I-56127 Pisa, Italy
OzGrav, Australian National University, Canberra, Australian Capital Territory 0200, Australia
Laboratoire des Matériaux Avancés (LMA), CNRS/IN2P3, F-69622 Villeurbanne, France
SUPA, University of Glasgow, Glasgow G12 8QQ, United Kingdom
LAL, Univ. Paris-Sud, CNRS/IN2P3, Université Paris-Saclay, F-91898 Orsay, France
California State University Fullerton, Fullerton, CA 92831, USA
European Gravitational Observatory (EGO), I-56021 Cascina, Pisa, Italy
Chennai Mathematical Institute, Chennai 603103, India
Università di Roma Tor Vergata, I-00133 Roma, Italy
Universität Hamburg, D-22761 Hamburg, Germany
INFN, Sezione di Roma, I-00185 Roma, Italy
Cardiff University, Cardiff CF24 3AA, United Kingdom
Embry-Riddle Aeronautical University, Prescott, AZ 86301, USA
Syracuse University, Syracuse, NY 13244, USA
University of Minnesota, Minneapolis, MN 55455, USA
University of Birmingham, Birmingham B15 2TT, United Kingdom
Università degli Studi di Genova, I-16146 Genova, Italy
RRCAT, Indore, Madhya Pradesh 452013, India
Faculty of Physics, Lomonosov Moscow State University, Moscow 119991, Russia
SUPA, University of the West of Scotland, Paisley PA1 2BE, United Kingdom
University of Oregon, Eugene, OR 97403, USA
Laboratoire Kastler Brossel, Sorbonne Université, CNRS, ENS-Université PSL, Collège de France, F-75005 Paris, France
Carleton College, Northfield, MN 55057, USA
Astronomical Observatory Warsaw University, 00-478 Warsaw, Poland
VU University Amsterdam, 1081 HV Amsterdam, The Netherlands
University of Maryland, College Park, MD 20742, USA
Center for Relativistic Astrophysics, Georgia Institute of Technology, Atlanta, GA 30332, USA
Université Claude Bernard Lyon 1, F-69622 Villeurbanne, France
Università di Napoli 'Federico II', Complesso Universitario di Monte S. Angelo, I-80126 Napoli, Italy
NASA Goddard Space Flight Center, Greenbelt, MD 20771, USA
RESCEU, University of Tokyo, Tokyo, 113-0033, Japan
Tsinghua University, Beijing 100084, China
Texas Tech University, Lubbock, TX 79409, USA
Kenyon College, Gambier, OH 43022, USA
Departamento de Astronomía y Astrofísica, Universitat de València, E-46100 Burjassot, València, Spain
Università di Perugia, I-06123 Perugia, Italy
INFN, Sezione di Perugia, I-06123 Perugia, Italy
The Pennsylvania State University, University Park, PA 16802, USA
Korea Institute of Science and Technology Information, Daejeon 34141, Korea
West Virginia University, Morgantown, WV 26506, USA
Institute for Cosmic Ray Research (ICRR), KAGRA Observatory, The University of Tokyo, Kashiwa, Chiba 277-8582, Japan
National Astronomical Observatory of Japan (NAOJ), Mitaka City, Tokyo 181-8588, Japan
Wigner RCP, RMKI, H-1121 Budapest, Konkoly Thege Miklós út 29-33, Hungary
Nicolaus Copernicus Astronomical Center, Polish Academy of Sciences, 00-716, Warsaw, Poland
Stanford University, Stanford, CA 94305, USA
Rochester Institute of Technology, Rochester, NY 14623, USA
Northwestern University, Evanston, IL 60208, USA
University of Adelaide, Adelaide, South Australia 5005, Australia
The Chinese University of Hong Kong, Shatin, NT, Hong Kong
Universitat de les Illes Balears, IAC3—IEEC, E-07122 Palma de Mallorca, Spain""".splitlines()

TITLE = "Observation of Gravitational Waves from the Coalescence of a Compact Binary in a Globular Cluster Environment"
ABSTRACT = (
    "We report the observation of a compact binary coalescence by the LIGO, Virgo and KAGRA detectors, with a "
    "network signal-to-noise ratio of 24. The source is consistent with a binary black hole of total mass "
    "64 solar "
    "masses at a luminosity distance of 1.1 Gpc, and its spin alignment and eccentricity point to a dynamical "
    "formation in a dense stellar environment such as a globular cluster."
)


def authors(count: int, seed: int = 1) -> list[tuple[str, tuple[str, ...]]]:
    """``count`` distinct authors (name, affiliations) in a collaboration's order: by family name."""
    pick = random.Random(seed)
    initials = [f"{a}." for a in "ABCDEFGHIJKLMNOPRSTVWYZ"]
    initials += [f"{a}. {b}." for a, b in itertools.product("ACDHJMPS", "ABEJLMR")]
    names: set[tuple[str, str]] = set()
    while len(names) < count:
        names.add((pick.choice(FAMILIES), pick.choice(initials)))
    out = []
    for family, given in sorted(names, key=lambda n: (n[0].casefold(), n[1])):
        out.append((f"{given} {family}", tuple(pick.sample(INSTITUTES, pick.choice((1, 1, 1, 2))))))
    return out


def arxiv_api_response(arxiv_id: str, count: int = 3000, seed: int = 1, day: str = "2026-09-07") -> bytes:
    """arXiv's API answering for one collaboration paper of ``count`` authors (see the module's text)."""
    template = FIXTURE.read_text(encoding="utf-8")
    head, rest = template.split("<entry>", 1)
    people = "".join(
        "\n    <author>\n      <name>"
        + escape(name)
        + "</name>"
        + "".join(f"\n      <arxiv:affiliation>{escape(a)}</arxiv:affiliation>" for a in affiliations)
        + "\n    </author>"
        for name, affiliations in authors(count, seed)
    )
    entry = (
        f"\n    <id>http://arxiv.org/abs/{arxiv_id}v1</id>\n    <title>{escape(TITLE)}</title>"
        f"\n    <updated>{day}T17:59:59Z</updated>"
        f'\n    <link href="https://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>'
        f'\n    <link href="https://arxiv.org/pdf/{arxiv_id}v1" rel="related" type="application/pdf" title="pdf"/>'
        f"\n    <summary>  {escape(ABSTRACT)}</summary>"
        '\n    <category term="gr-qc" scheme="http://arxiv.org/schemas/atom"/>'
        '\n    <category term="astro-ph.HE" scheme="http://arxiv.org/schemas/atom"/>'
        f"\n    <published>{day}T17:59:59Z</published>"
        f"\n    <arxiv:comment>{count} authors; the author list is in the PDF</arxiv:comment>"
        '\n    <arxiv:primary_category term="gr-qc"/>' + people + "\n  </entry>\n</feed>\n"
    )
    head = head.replace("astro-ph/0601001", arxiv_id).replace("2026-05-11T23:51:23Z", f"{day}T23:51:23Z")
    return (head + "<entry>" + entry).encode("utf-8")


def collaboration_paper(arxiv_id: str, count: int = 3000, seed: int = 1, received=None, day: str = "2026-09-07"):
    """The paper of :func:`arxiv_api_response` as the fetch makes it — arXiv's API parser, then the one
    normalisation every source goes through — selected for following its first author."""
    from dataclasses import replace
    from datetime import date

    from pipeline.fetch.normalise import normalise
    from pipeline.fetch.sources import SourcesFile
    from pipeline.fetch.sources.arxiv_api import parse
    from pipeline.models import Selection

    source = SourcesFile.model_validate(
        {"sources": [{"id": "arxiv-gr-qc", "kind": "arxiv_api", "label": "arXiv ({CATEGORY})", "query": "cat:gr-qc"}]}
    ).sources[0]
    page = parse(arxiv_api_response(arxiv_id, count, seed, day), source)
    paper = normalise(page.items[0], source.label)
    first = paper.authors[0].name
    return replace(
        paper,
        received=received or date.fromisoformat(day),
        topics=(Selection("followed-authors", 1, authors=(first,)),),
    )
