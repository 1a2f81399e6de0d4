"""The metrics, one module per family (``docs/definitions.md`` defines every number).

Modules import downward only, in this order:

1. ``_definitions``: column names, conventions and formulas, as data;
2. ``_prepare``: argument checks, input validation, id encoding, once at the door;
3. ``_kernels`` (numpy), ``_frames`` (narwhals, for other engines), ``graph``
   (:class:`~engagemetrics.FollowGraph`) and ``_assemble`` (the output shape);
4. ``reciprocity``, ``concentration``, ``conversation``, ``accounts``, ``twoway``,
   ``relationships``, ``followdates``: the families;
5. ``periods``, ``ego`` and ``change``: per-period, per-owner and over-time assembly.
"""
