"""Abstract illustrations for the demo newsroom, drawn with Pillow: no photographs, no licences."""

from io import BytesIO
from random import Random

from PIL import Image, ImageDraw, ImageFilter, ImageOps

SIZE = (1600, 900)
IMAGES_PER_PALETTE = 5
# Each theme's stories are illustrated in its palette: (deep, middle, light) colours.
PALETTES = {
    "politics": ("navy and crimson", (24, 36, 70), (168, 40, 54), (236, 226, 210)),
    "economy": ("green and gold", (16, 64, 56), (204, 160, 58), (238, 234, 216)),
    "energy": ("amber and rust", (58, 28, 20), (232, 124, 36), (252, 212, 120)),
    "water": ("teal and blue", (10, 42, 76), (34, 148, 168), (204, 232, 236)),
    "society": ("plum and rose", (64, 30, 78), (218, 108, 128), (246, 222, 214)),
    "climate": ("olive and sky", (40, 64, 34), (146, 178, 78), (212, 230, 240)),
    "security": ("slate and steel", (30, 36, 44), (92, 116, 138), (204, 210, 214)),
    "culture": ("ochre and brick", (84, 36, 28), (192, 128, 58), (238, 214, 168)),
}


def _mix(a: tuple, b: tuple, share: float) -> tuple:
    return tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True))


def illustration_draw(*, palette: str, rng: Random) -> Image.Image:
    """A 1600x900 composition: a graded ground, soft discs and bands, a thin rule grid."""
    __, deep, middle, light = PALETTES[palette]
    width, height = SIZE
    # Ground and shapes are composed at a quarter of the size and scaled up: soft edges, and a
    # sixteenth of the pixels to blend.
    small = (width // 4, height // 4)
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(small)
    canvas = ImageOps.colorize(gradient, deep, _mix(deep, middle, 0.55)).convert("RGBA")
    shapes = Image.new("RGBA", small, (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for __ in range(rng.randint(3, 6)):
        radius = rng.randint(small[1] // 6, small[1] // 2)
        x, y = rng.randint(0, small[0]), rng.randint(0, small[1])
        colour = _mix(middle, light, rng.random())
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 150))
    for __ in range(rng.randint(1, 3)):
        top = rng.randint(0, small[1])
        slant = rng.randint(-small[1] // 2, small[1] // 2)
        thickness = rng.randint(6, small[1] // 5)
        band = [(0, top), (small[0], top + slant), (small[0], top + slant + thickness)]
        draw.polygon([*band, (0, top + thickness)], fill=(*light, 90))
    canvas.alpha_composite(shapes.filter(ImageFilter.GaussianBlur(1)))
    image = canvas.convert("RGB").resize(SIZE, Image.Resampling.BICUBIC)

    rules = ImageDraw.Draw(image)
    step = rng.choice((80, 100, 120))
    faint = _mix(deep, light, 0.18)
    for x in range(step, width, step):
        rules.line((x, 0, x, height), fill=faint, width=1)
    horizon = rng.randint(height // 3, height * 2 // 3)
    rules.line((0, horizon, width, horizon), fill=_mix(middle, light, 0.7), width=3)
    return image


def illustration_jpeg(*, palette: str, rng: Random) -> bytes:
    buffer = BytesIO()
    illustration_draw(palette=palette, rng=rng).save(
        buffer, format="JPEG", quality=84, optimize=True, progressive=True
    )
    return buffer.getvalue()
