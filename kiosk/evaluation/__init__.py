"""好差评: the national five-level evaluation a citizen gives after a journey, kept in an outbox
on the kiosk and uploaded to the province's system through a plug-in, exactly once.

model: the levels, a citizen's draft and the evaluation it becomes; outbox: the SQLite outbox
and today's counts; upload: the plug-ins and the sender that retries with backoff; desk: what
the kiosk core holds of it all.
"""
