"""zhnews: clean and mine Chinese news reports on grassroots democracy practice.

>>> from pipeline import clean
>>> clean("區人大代表(dàibiǎo)走訪企業80余家。").text
'区人大代表走访企业80余家。'
"""

from pipeline.clean import Cleaned, clean

__all__ = ["Cleaned", "clean"]
__version__ = "0.1.0"
