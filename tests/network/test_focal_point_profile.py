"""A focal point states their position on their profile; the country's page
shows it with their name, institution and network role."""

from tests.moderation import signed_in, submit
from tests.network.focal_point_helpers import make_focal_point


def test_a_focal_point_states_their_position(app, client, make_institution):
    slug = make_institution()
    make_focal_point(app, "fp@example.org", institutions=[slug], name="Aigerim")
    focal_point = signed_in(app, "fp@example.org")

    response = submit(
        focal_point,
        "/me",
        form_id="profile-form",
        position="Head of the migration statistics division",
    )

    assert response.status_code == 302
    page = client.get("/countries/KZ").get_data(as_text=True)
    assert "Aigerim" in page
    assert "Head of the migration statistics division" in page
    assert "Agency for Migration Statistics" in page
    assert "Statistics producer (national statistical office)" in page
    own = focal_point.get("/me").get_data(as_text=True)
    assert "Statistics producer (national statistical office)" in own


def test_clearing_the_position_removes_it(app, client):
    make_focal_point(app, "fp@example.org", name="Nino", position="Adviser")
    focal_point = signed_in(app, "fp@example.org")

    response = submit(focal_point, "/me", form_id="profile-form", position="  ")

    assert response.status_code == 302

    assert "Adviser" not in client.get("/countries/KZ").get_data(as_text=True)
