"""The themes of the onderwijs-jeugd work programme (slug, Dutch name), in display order."""

THEMES: list[tuple[str, str]] = [
    ("signaleren-en-arrangeren", "Signaleren en arrangeren"),
    ("jonge-risicokinderen", "Voorzieningen voor jonge risicokinderen"),
    ("grote-zorgvraag", "Onderwijs aan leerlingen met een grote zorgvraag"),
    ("leerplicht", "Leerplicht"),
    ("leerlingenvervoer", "Leerlingenvervoer"),
    ("onderwijshuisvesting", "Onderwijshuisvesting"),
    ("bundeling-budgetten", "Bundeling van budgetten"),
    ("preventie-vroegsignalering", "Preventie en vroegsignalering"),
    ("multidisciplinaire-samenwerking", "Multidisciplinaire samenwerking (mdo, ondersteuningsteam, ZAT)"),
    ("onderwijs-zorgarrangementen", "Integrale onderwijs-zorgarrangementen"),
    ("doorgaande-lijnen", "Doorgaande lijnen"),
    ("oogo", "OOGO (op overeenstemming gericht overleg)"),
    ("zorgplicht-mbo", "Zorgplicht mbo"),
    ("anders", "Anders"),
]
