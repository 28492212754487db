"""The seed's strengths and weaknesses as mechanisms, one module each, on numpy arrays.

- :mod:`.contact`: contact scaled by the five conditions (Hewstone & Brown 1986);
- :mod:`.hypothesis`: hypothesis confirmation, individual image against group image;
- :mod:`.influence`: attitudes and ideas spreading through each society's network;
- :mod:`.reentry`: in-group pressure on returning participants and marginalisation;
- :mod:`.transfer`: ideas fed to decision-makers, and feedback rounds;
- :mod:`.ripeness`: costs and the belief in winning alone (Zartman's stalemate);
- :mod:`.readiness`: readiness to negotiate, capped by the real clash of interests.
"""
