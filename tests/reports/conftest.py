import pytest

from tests.reports.factories import build_world


@pytest.fixture
def world(district_congress, town_congress, yueyang, yongfeng, sijing):
    """30 deputies (district ones in 岳阳, 永丰 and 泗泾; town ones in 泗泾) with two years of data."""
    return build_world(
        district_congress=district_congress,
        town_congress=town_congress,
        regions=[yueyang, yongfeng, sijing],
        deputies=30,
        users=True,
    )


def grow_world(district_congress, town_congress, regions, n, seed):
    return build_world(
        district_congress=district_congress,
        town_congress=town_congress,
        regions=regions,
        deputies=n,
        seed=seed,
    )
