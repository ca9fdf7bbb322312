"""The `camera:` section of a scenario file: what the simulated QR camera shows, step by step.

    camera:
      fps: 15
      script:
        - nothing: 1.0                          # 1 s of the hall, nobody at the camera
        - phone: "v1.eyJhIjoxfQ.c2ln"            # a phone showing this code...
          seconds: 2                             # ...held still for 2 s
        - phone: ["first code", "second code"]   # two codes in one frame
          seconds: 2
        - black: 1                               # 1 s of black frames (lens covered)
        - gone: 2                                # unplugged for 2 s, then back (true = for good)
        - nothing: 2
          style: sun                             # a mini-program code: not QR, nothing to read

The script starts when the first client connects (so a test never misses a step) and, unless
`repeat: true`, the last view stays once it ends. The same model is used by tests and by
`kiosk --sim`.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kiosk.config import Strict

StepKind = Literal["nothing", "phone", "black", "gone"]


class CameraStep(Strict):
    """Exactly one of nothing / phone / black / gone."""
    nothing: float | None = Field(default=None, gt=0, description="seconds of an empty view")
    phone: str | list[str] | None = Field(default=None, description="the payload(s) on the phone's screen")
    seconds: float | None = Field(default=None, gt=0, description="how long the phone is held up (with phone)")
    black: float | None = Field(default=None, gt=0, description="seconds of black frames")
    gone: bool | float | None = Field(default=None, description="unplugged: true = until replug(), or seconds")
    style: str | None = Field(default=None, description="the shot: random, or a kind of sim.camera.phone "
                              "(cut, two_phones, two_on_screen, sun...); default a phone held comfortably")

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("nothing", "phone", "black", "gone") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a step is exactly one of nothing / phone / black / gone"
                             + (f" (found {', '.join(kinds)})" if kinds else ""))
        if self.seconds is not None and self.phone is None:
            raise ValueError("seconds goes with phone (nothing / black / gone take their seconds directly)")
        if self.style is not None:
            self._check_style()
        if self.gone is False or (not isinstance(self.gone, bool) and self.gone is not None and self.gone <= 0):
            raise ValueError("gone: true (for good) or a number of seconds")
        if self.phone is not None and not self.phone:
            raise ValueError("phone needs at least one payload")
        return self

    def _check_style(self) -> None:
        if self.kind not in ("phone", "nothing"):
            raise ValueError("style goes with phone or nothing")
        if self.style == "random":
            return
        count = len(self.payloads)
        from sim.camera.phone import KINDS       # here, not at import: it brings numpy and OpenCV
        fits = [k for k, n in KINDS.items() if n == count and k != "black"]
        if self.style not in fits:
            raise ValueError(f"style for {count} code(s): random or one of {', '.join(fits)}")

    @property
    def kind(self) -> StepKind:
        return next(k for k in ("nothing", "phone", "black", "gone") if getattr(self, k) is not None)

    @property
    def duration(self) -> float | None:
        """Seconds this step lasts; None = until something else is asked for."""
        if self.phone is not None:
            return self.seconds if self.seconds is not None else 2.0
        value = getattr(self, self.kind)
        return None if value is True else float(value)

    @property
    def payloads(self) -> list[bytes]:
        if self.phone is None:
            return []
        codes = [self.phone] if isinstance(self.phone, str) else self.phone
        return [c.encode("utf-8") for c in codes]


class CameraScenario(Strict):
    """The simulated QR camera: an MJPEG stream over HTTP (sim/camera/stream.py)."""
    fps: int = Field(default=15, ge=1, le=60)
    width: int = Field(default=1280, ge=160, le=3840)
    height: int = Field(default=720, ge=120, le=2160)
    jpeg_quality: int = Field(default=85, ge=30, le=100)
    variants: int = Field(default=4, ge=1, le=16, description="frames pre-rendered per view, cycled")
    seed: int = 0
    repeat: bool = False
    script: list[CameraStep] = Field(default_factory=list)
