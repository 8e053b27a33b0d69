"""The prompts every backend test sends the tiny model: short news items and one instruction."""

SYSTEM = ("You are a careful news editor. Summarise the article the user gives you in one short "
          "sentence, using only facts it states.")
ARTICLES = [
    "The city council of Springfield voted on Tuesday to close the old bridge for repairs.",
    "Heavy rain flooded roads in the north of the country, and schools stayed closed.",
    "A new library opened downtown with ten thousand books and a cafe for readers.",
    "The football club signed a young striker from Brazil for an undisclosed fee.",
    "Scientists reported that the lake's water level fell by two metres this summer.",
]


class IdleModel:
    """Stands for a model used between generation calls (MiniLM): counts how often
    `backends.cpu.make_room` asked it to let its memory go."""

    def __init__(self) -> None:
        from briefing.backends.cpu import on_make_room

        self.released = 0
        on_make_room(self.release)

    def release(self) -> None:
        self.released += 1
