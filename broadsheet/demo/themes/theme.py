from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A subject the desk covers, with the words its stories share.

    Subjects (noun phrases), actions (verb phrases) and facts (sentences) may use the story's
    placeholders: {country}, {nationality}, {capital}, {city}, {parliament}, {currency}, {other},
    {other_nationality}, {other_capital}, and numbers: {pct}, {n}, {few} and {big}.
    """

    name: str
    desk: str
    palette: str
    description: str
    subjects: tuple[str, ...]
    actions: tuple[str, ...]
    facts: tuple[str, ...]
    aliases: tuple[str, ...] = ()
