"""Controlled vocabularies of the network's records: what flows from a
producer to a user, what a data source covers, how often and how to get it."""

from flask_babel import lazy_gettext as _l

# Kinds of data flowing from producers to users; also the type of a data source.
FLOWS = {
    "census": _l("Population census"),
    "population-register": _l("Population register"),
    "border-crossings": _l("Border crossing records"),
    "permits": _l("Residence and work permits"),
    "asylum": _l("Asylum records"),
    "labour-force-survey": _l("Labour force survey"),
    "household-survey": _l("Other household survey"),
    "remittances": _l("Remittances / balance of payments"),
    "consular-registers": _l("Consular registers"),
    "other": _l("Other"),
}

# Words naming each flow in English and Russian, for search documents of
# links and data sources (not the lazy labels: what matches must not depend
# on the reader's language). Every flow has words in both languages.
FLOW_WORDS = {
    "census": "population census перепись населения",
    "population-register": "population register регистр населения",
    "border-crossings": "border crossing records граница пересечение границы "
    "погранично",
    "permits": "residence work permits вид на жительство разрешение на работу",
    "asylum": "asylum records refugees убежище беженцы",
    "labour-force-survey": "labour labor force survey обследование рабочей силы",
    "household-survey": "household survey обследование домашних хозяйств домохозяйств",
    "remittances": "remittances balance of payments денежные переводы платежный баланс",
    "consular-registers": "consular registers консульский учёт учет",
    "other": "other data другие данные",
}

# What a data source covers.
COVERAGE = {
    "stocks": _l("Migrant stocks"),
    "flows": _l("Migration flows"),
    "citizenship": _l("Citizenship"),
    "country-of-birth": _l("Country of birth"),
    "labour-migration": _l("Labour migration"),
    "asylum-refugees": _l("Asylum and refugees"),
    "acquisition-of-citizenship": _l("Acquisition of citizenship"),
    "remittances": _l("Remittances"),
    "irregular-migration": _l("Irregular migration"),
    "emigration": _l("Emigration"),
}

PERIODICITIES = {
    "continuous": _l("Continuous"),
    "monthly": _l("Monthly"),
    "quarterly": _l("Quarterly"),
    "annual": _l("Annual"),
    "decennial": _l("About every ten years"),
    "irregular": _l("Irregular"),
    "one-off": _l("One-off"),
}

ACCESS = {
    "online": _l("Online (URL)"),
    "publication": _l("Publication"),
    "on-request": _l("On request"),
}

RECORD_STATUSES = {
    "published": _l("Published"),
    "archived": _l("Archived"),
}
