def seed(demo) -> None:
    return None
