"""The demo hall's blank forms, drawn from their layouts (printer_templates/forms/*.yaml).

A real hall supplies a scan or PDF of each blank form; ours are drawn from the same millimetres
the data is printed at. `python -m sim.forms` redraws every background after a layout changes.
"""
