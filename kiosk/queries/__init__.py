"""自助查询: what a citizen can look up at the kiosk (case progress, social insurance payments,
their appointments), through plug-ins that ask a back-end and answer with a masked table.

plugin: the plug-ins and the checks every answer passes (whose it is, its shape); receipt: the
answer printed on the ticket printer or as an A4 page, marked 仅供查询.
"""
