"""The sectors analysts group addressees by (shared/DOMAIN.md), in the order dhr lists them.
A module of its own so that the command line can offer them without loading the registry."""

SECTORS = (
    "police", "health-commissioner", "health-provider", "la-children", "la-adults",
    "local-authority", "housing", "probation-prisons", "criminal-justice", "national-government",
    "csp", "specialist-da", "substance-misuse", "education", "multi-agency-board",
    "all-agencies", "other",
)
