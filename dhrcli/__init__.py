"""dhr: a catalogue of the recommendations of Domestic Homicide Reviews."""

__version__ = "0.1.0"
