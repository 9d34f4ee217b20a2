"""A member's avatar: their initials on a colour of their own, in the font of the page around it."""

from nicegui import ui

AVATAR_COLORS = ('amber-8', 'teal-7', 'indigo-5', 'pink-6', 'green-7', 'deep-orange-6', 'blue-grey-6', 'purple-5')


def initials(name: str) -> str:
    words = name.split()
    return ''.join(word[0] for word in words[:2]).upper() or '?'


def avatar_color(name: str) -> str:
    return AVATAR_COLORS[sum(map(ord, name)) % len(AVATAR_COLORS)]


def person_avatar(name: str, size: str = 'md', text: str | None = None, color: str | None = None) -> ui.avatar:
    """A round badge with the person's initials. ui.avatar's own text is an icon name: a letter there is drawn in the
    icon font (a serif fallback), hence the label."""
    avatar = ui.avatar(color=color or avatar_color(name), text_color='white', size=size)
    with avatar:
        ui.label(text or initials(name)).classes('font-medium')
    return avatar
