"""Routes of the web UI. Registered at start-up, not import, so every run of main.py gets them."""

from nicegui import ui

from ui import (
    admin,
    album_page,
    albums,
    auth_pages,
    duplicates_page,
    jobs,
    libraries,
    library,
    map_page,
    people,
    public_link,
    search_page,
    sharing,
    space_page,
    spaces,
    viewer,
)


def register() -> None:
    ui.page('/onboarding')(auth_pages.onboarding_page)
    ui.page('/login')(auth_pages.login_page)
    ui.page('/account')(auth_pages.account_page)
    ui.page('/admin/members')(admin.members_page)
    ui.page('/admin/jobs')(jobs.jobs_page)
    ui.page('/sharing')(sharing.sharing_page)
    ui.page('/albums')(albums.albums_page)
    ui.page('/albums/{album_id}')(album_page.album_page)
    ui.page('/libraries')(libraries.libraries_page)
    ui.page('/spaces')(spaces.spaces_page)
    ui.page('/map')(map_page.map_page)
    ui.page('/duplicates')(duplicates_page.duplicates_page)
    ui.page('/search')(search_page.search_page)
    ui.page('/people')(people.people_page)
    ui.page('/people/{person_id}')(people.person_page)
    ui.page('/spaces/{space_id}')(space_page.space_page)
    ui.page('/spaces/{space_id}/duplicates')(duplicates_page.space_duplicates_page)
    ui.page('/photo/{asset_id}')(viewer.viewer_page)
    ui.page('/s/{token}')(public_link.public_link_page)
    for key, view in library.VIEWS.items():
        ui.page(view.path)(library.view_page(key))
