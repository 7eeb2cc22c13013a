def unique_slug(wanted: str, taken: set[str], *, max_length: int) -> str:
    """`wanted`, or `wanted-2`, `-3`… cut to fit `max_length`: the first not in `taken`.

    The slug returned is added to `taken`, so a batch can hand out many without repeats.
    """
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = f"{wanted[: max_length - len(suffix)]}{suffix}"
    taken.add(slug)
    return slug
