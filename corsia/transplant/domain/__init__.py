"""The transplant pathway's clinical rules, pure Python (no Django, no clock, no I/O).

* :mod:`.agvhd` — acute GVHD organ stages and overall grade (MAGIC, Harris 2016).
* :mod:`.cgvhd` — chronic GVHD organ scores and global severity (NIH 2014, Jagasia 2015).
* :mod:`.engraftment` — neutrophil and platelet engraftment days from the daily counts.
* :mod:`.days` — day-relative arithmetic around day 0 (the infusion).
"""
