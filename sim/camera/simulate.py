"""The camera simulator stands in for `driver: opencv`: an MJPEG stream over HTTP that the real
driver opens as a video URL."""
from __future__ import annotations

from sim.camera.stream import CameraStream
from sim.devices import SimContext, Simulated, Simulator, register_simulator


def start(name: str, settings, ctx: SimContext) -> Simulated:
    scenario = ctx.scenario.camera
    camera = CameraStream(scenario)
    url = camera.start()
    pointed = settings.model_copy(update={"source": url, "width": scenario.width, "height": scenario.height,
                                          "fps": scenario.fps})
    return Simulated(name, "opencv", camera, pointed, camera.stop, url)


register_simulator(Simulator("opencv", start))
