"""What the demo writer produces: stories as plain data, ready to become articles."""

from dataclasses import dataclass

from broadsheet.demo.world import OUTLET_NAME

ILLUSTRATION_CREDIT = f"{OUTLET_NAME} / illustration"


@dataclass(frozen=True)
class Illustration:
    """A placeholder for one of the generated images, by position in the illustration set."""

    index: int


@dataclass
class Story:
    """One planned article, in plain data: names rather than database rows."""

    format: str
    kind: str
    section: str
    title: str
    deck: str
    label: str
    second_line: str
    body: list
    topics: list[str]
    experts: list[str]
    authors: list[str]
    lead_image: Illustration | None = None
    lead_image_caption: str = ""
    lead_image_credit: str = ""
    has_photo: bool = False
    has_video: bool = False
    source_name: str = ""
    source_url: str = ""
    is_top_story: bool = False
