"""When the demo newsroom's stories went out: the desk's release clock, day by day.

The reference outlet releases a queue of prepared stories on a clock an editor sets: every 15
minutes around midday, every 12 in the afternoon and evening, now and then a gap of 13-16 minutes,
and a few stories slotted in 5-8 minutes after the one before.
"""

from datetime import date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

MIDDAY_INTERVAL = timedelta(minutes=15)
EVENING_INTERVAL = timedelta(minutes=12)
EVENING_FROM = time(14, 0)
FIRST_RELEASE = time(9, 30)
LAST_RELEASE = time(22, 30)
# Quieter weekends: Saturday and Sunday carry fewer stories than a weekday.
DAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6)


def day_clock(*, day: date, zone: ZoneInfo, rng: Random) -> list[datetime]:
    """Every release slot the desk's clock offers on `day`, in order."""
    moment = datetime.combine(day, FIRST_RELEASE, zone) + timedelta(
        minutes=rng.choice((0, 6, 12, 18, 24, 30, 45, 60))
    )
    last = datetime.combine(day, LAST_RELEASE, zone)
    slots = []
    while moment <= last:
        slots.append(moment)
        interval = MIDDAY_INTERVAL if moment.time() < EVENING_FROM else EVENING_INTERVAL
        roll = rng.random()
        if roll < 0.06:
            interval = timedelta(minutes=rng.randint(13, 16))
        elif roll < 0.12:
            slots.append(moment + timedelta(minutes=rng.randint(5, 7)))
        moment += interval
    return slots


def _shares(total: int, weights: dict[date, float]) -> dict[date, int]:
    """Split `total` in proportion to `weights`, whole numbers that add up (largest remainder)."""
    weight_sum = sum(weights.values())
    exact = {day: total * weight / weight_sum for day, weight in weights.items()}
    shares = {day: int(value) for day, value in exact.items()}
    leftover = total - sum(shares.values())
    by_remainder = sorted(exact, key=lambda day: (shares[day] - exact[day], day))
    for day in by_remainder[:leftover]:
        shares[day] += 1
    return shares


def release_times(
    *, count: int, days: int, now: datetime, zone: ZoneInfo, seed: int
) -> list[datetime]:
    """`count` release times over the `days` days ending `now`, oldest first, none in the future.

    Each day's clock depends only on the seed and the date, so a day looks the same on every run.
    """
    today = now.astimezone(zone).date()
    clocks = {}
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        clock = day_clock(day=day, zone=zone, rng=Random(f"{seed}:{day.isoformat()}"))
        clocks[day] = sorted(slot for slot in clock if slot < now)
    capacity = sum(len(clock) for clock in clocks.values())
    if count > capacity:
        raise ValueError(f"{count} stories do not fit in {days} days of releases; use more days.")

    taken = dict.fromkeys(clocks, 0)
    remaining = count
    while remaining:
        open_days = {
            day: DAY_WEIGHTS[day.weekday()] for day in clocks if taken[day] < len(clocks[day])
        }
        for day, share in _shares(remaining, open_days).items():
            extra = min(share, len(clocks[day]) - taken[day])
            taken[day] += extra
            remaining -= extra
    return [slot for day, clock in clocks.items() for slot in clock[: taken[day]]]
