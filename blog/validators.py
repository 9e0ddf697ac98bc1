"""Text the database can store: no NUL character (PostgreSQL refuses it in every text
column) and no lone surrogate (neither database can encode one). Request input that fails
this never reaches a query (Django's form fields refuse NUL with a message)."""


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
