"""python -m sim.forms: redraw printer_templates/forms/backgrounds/*.pdf from the layouts."""
from __future__ import annotations

import os
import sys

import yaml

from drivers.laser.form_layout import FormLayout, forms_directory


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from drivers.laser.form_pdf import draw_blank
    app = QGuiApplication(sys.argv[:1])    # noqa: F841 (Qt's font database needs it)
    for path in sorted(forms_directory().glob("*.yaml")):
        layout = FormLayout.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        out = path.parent / "backgrounds" / layout.background
        out.write_bytes(draw_blank(layout))
        print(f"{out}: {layout.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
