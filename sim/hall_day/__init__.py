"""`kiosk-sim hall-day`: a hall's day, simulated on the real queue code.

scenario: the day, fixed before any hall is compared (config in sim/hall_day/day.yaml);
halls: the Songshan Lake hall scaled to 27 departments and 80 windows, arranged as department
windows or as our routed comprehensive groups; engine: SimPy drives the real SqliteHall with a
simulated clock; report: the figures and the chart.
"""
