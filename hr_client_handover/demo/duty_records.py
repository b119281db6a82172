"""What a departure duty records when it was done plainly, written once for
the demo, the tests and the repository's scripts and suites. It imports
nothing, so that an external client can load it by its path."""


def plain_duty_record(duty, today):
    """A plain record of a departure duty held ``today`` (its notes aside):
    the talk's or the review's date, the consent given and the data
    anonymised, the equipment found intact."""
    return {
        "personal_data": {
            "data_consent": "given",
            "data_consent_date": today,
            "data_action": "anonymised",
        },
        "equipment_damage": {"damage_found": False},
    }.get(duty, {"duty_date": today})
