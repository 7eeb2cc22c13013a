"""Write the demo newsroom's stories: headline, deck, labels and body, from a theme and a scene.

Pure Python and seeded: the same random generator gives the same stories, with no database.
"""

from broadsheet.demo.writing.story import ILLUSTRATION_CREDIT, Illustration, Story
from broadsheet.demo.writing.writer import DemoWriter, expert_bio

__all__ = ["ILLUSTRATION_CREDIT", "DemoWriter", "Illustration", "Story", "expert_bio"]
