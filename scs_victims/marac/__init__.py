"""MARAC: referrals with the DASH checklist, meetings, actions and the SafeLives return.

Rules: definitions §6. Modules: ``vocabulary`` (agencies, ethnicity), ``rules`` (repeat
referrals, criteria), ``dash`` (the checklist as data), ``meetings``, ``rows`` and
``importing`` (the CSV of formats.md), ``safelives_return`` (the quarterly return).
"""
