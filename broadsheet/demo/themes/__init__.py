"""What the demo newsroom writes about: themes, each with its own words.

Stories on one theme share its subjects, actions and facts, so search and "Read also" group them
the way a reader expects.
"""

from broadsheet.demo.themes.economy import ECONOMY_THEMES
from broadsheet.demo.themes.foreign import FOREIGN_THEMES
from broadsheet.demo.themes.politics import POLITICS_THEMES
from broadsheet.demo.themes.society import SOCIETY_THEMES
from broadsheet.demo.themes.theme import Theme

THEMES: tuple[Theme, ...] = POLITICS_THEMES + FOREIGN_THEMES + ECONOMY_THEMES + SOCIETY_THEMES
THEME_BY_NAME = {theme.name: theme for theme in THEMES}
