from django.db import models


class WorkerBeat(models.Model):
    """A worker process that is alive, as it last said: its name (host:pid, the name its claims
    on jobs carry) and when. Any process on any machine reads the table, so a claim by a
    process of another host or container is judged by its beats, not by `os.kill`."""

    name = models.CharField(max_length=200, primary_key=True)
    beat_at = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_workerbeat"

    def __str__(self) -> str:
        return f"{self.name} · {self.beat_at}"
