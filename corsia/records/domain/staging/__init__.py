"""Staging systems: TNM 8th edition stage groups, Ann Arbor/Lugano, ISS/R-ISS, INSS, FIGO,
Dukes; each module names its published source."""
