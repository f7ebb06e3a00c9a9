"""netcore.datasets: generated point sets and the user's CSV file."""
import os
import pickle

import numpy as np
import pytest

import netcore as nc

# ---------------------------------------------------------------- generators

@pytest.mark.parametrize("name", sorted(nc.DATASETS))
@pytest.mark.parametrize("n", [4, 7, 200, 1001])
def test_shapes_dtypes_and_balance(name, n):
    x, y = nc.DATASETS[name](n, nc.DEFAULT_NOISE[name], 3)
    assert x.shape == (n, 2) and y.shape == (n, 1)
    assert x.dtype == y.dtype == np.float64
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert int(y.sum()) == n // 2
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", sorted(nc.DATASETS))
def test_same_seed_same_points_other_seed_other_points(name):
    make = nc.DATASETS[name]
    x, y = make(300, 0.1, 7)
    again = make(300, 0.1, 7)
    assert np.array_equal(x, again[0]) and np.array_equal(y, again[1])
    assert not np.array_equal(x, make(300, 0.1, 8)[0])


@pytest.mark.parametrize("name", sorted(nc.DATASETS))
def test_points_lie_roughly_in_the_unit_square(name):
    x, _ = nc.DATASETS[name](2000, nc.DEFAULT_NOISE[name], 0)
    assert np.abs(x).max() < 1.5
    assert np.mean(np.abs(x).max(axis=1) <= 1.0) > 0.98
    # Each uses the square, not a corner of it.
    assert np.ptp(x[:, 0]) > 1.2 and np.ptp(x[:, 1]) > 0.8


@pytest.mark.parametrize("name", ["xor", "circle", "moons", "spiral"])
def test_without_noise_the_classes_follow_their_shape(name):
    x, y = nc.DATASETS[name](400, 0.0, 1)
    x1, x2 = x[:, 0], x[:, 1]
    label = y[:, 0] == 1
    if name == "xor":
        assert np.array_equal(label, x1 * x2 > 0) and np.abs(x).min() >= 0.15
    elif name == "circle":
        r = np.hypot(x1, x2)
        assert r[label].max() <= 0.45 and r[~label].min() >= 0.65 and r.max() <= 0.9
    elif name == "moons":
        # Undo the centring: class 0 lies on the unit circle's upper half, class 1 on the lower one moved.
        u = x / 0.6 + [0.5, 0.25]
        np.testing.assert_allclose(np.hypot(*u[~label].T), 1.0, rtol=1e-12)
        np.testing.assert_allclose(np.hypot(u[label, 0] - 1, u[label, 1] - 0.5), 1.0, rtol=1e-12)
        assert (u[~label, 1] >= 0).all() and (u[label, 1] <= 0.5).all()
    else:
        # Class 1 is class 0's arm turned by half a turn: the same radius gives the opposite angle.
        r = np.hypot(x1, x2)
        assert 0.1 <= r.min() and r.max() <= 0.9
        s = (r - 0.1) / 0.8
        angle = np.arctan2(x2, x1) - 3.5 * np.pi * s - np.pi * label
        np.testing.assert_allclose(np.cos(angle), 1.0, atol=1e-9)


def test_blob_centres_and_spread():
    x, y = nc.blobs(4000, 0.2, 0)
    for cls, centre in ((0, -0.45), (1, 0.45)):
        group = x[y[:, 0] == cls]
        np.testing.assert_allclose(group.mean(axis=0), [centre, centre], atol=0.02)
        np.testing.assert_allclose(group.std(axis=0), [0.2, 0.2], atol=0.02)


def test_noise_is_gaussian_jitter_of_that_size():
    clean, _ = nc.circle(4000, 0.0, 5)
    noisy, _ = nc.circle(4000, 0.3, 5)
    # Same seed: the noise-free draws come first, so the difference is the jitter alone.
    assert np.std(noisy - clean) == pytest.approx(0.3, rel=0.05)


def test_defaults():
    x, y = nc.spiral()
    assert x.shape == (nc.DEFAULT_POINTS, 2)
    assert np.array_equal(x, nc.spiral(nc.DEFAULT_POINTS, nc.DEFAULT_NOISE["spiral"], 0)[0])
    assert set(nc.DEFAULT_NOISE) == set(nc.DATASETS) == {"xor", "circle", "moons", "spiral", "blobs"}


@pytest.mark.parametrize("n, noise, seed, match", [
    (3, 0.1, 0, "n must"), (10_001, 0.1, 0, "n must"), (2.5, 0.1, 0, "n must"), (True, 0.1, 0, "n must"),
    (10, -0.1, 0, "noise"), (10, float("nan"), 0, "noise"), (10, 1.5, 0, "noise"), (10, "x", 0, "noise"),
    (10, 0.1, -1, "seed"), (10, 0.1, 1.5, "seed"),
])
def test_bad_arguments_raise(n, noise, seed, match):
    with pytest.raises(ValueError, match=match):
        nc.xor(n, noise, seed)


# ---------------------------------------------------------------- load_points

def _write(tmp_path, content, name="p.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


GOOD = "0.5,-0.25,0\n-1,1,1\n0,0,0\n2e-1,3,1\n"


@pytest.mark.parametrize("text", [
    GOOD, "x1,x2,label\n" + GOOD, "\ufeffx1,x2,label\r\n" + GOOD.replace("\n", "\r\n"),
    "\n" + GOOD + "\n\n", " 0.5 , -0.25 , 0 \n-1,1,1\n\n0,0,0\n\"2e-1\",3,\"1\"\n",
])
def test_load_points_reads_numbers_and_labels(tmp_path, text):
    x, y = nc.load_points(_write(tmp_path, text))
    assert x.dtype == y.dtype == np.float64 and x.shape == (4, 2) and y.shape == (4, 1)
    np.testing.assert_array_equal(x, [[0.5, -0.25], [-1, 1], [0, 0], [0.2, 3]])
    np.testing.assert_array_equal(y[:, 0], [0, 1, 0, 1])


@pytest.mark.parametrize("labels, classes", [
    (["0", "1", "1", "0"], [0, 1, 1, 0]),
    (["1", "0.0", "1.0", "0"], [1, 0, 1, 0]),
    (["1", "-1", "-1", "1"], [1, 0, 0, 1]),
    (["10", "9", "9", "10"], [1, 0, 0, 1]),      # numbers in numeric order, not as text
    (["dog", "cat", "cat", "dog"], [1, 0, 0, 1]),  # names sorted
    (["b", "A", "b", "A"], [1, 0, 1, 0]),          # code-point order: upper case first
    (["yes", "1", "1", "yes"], [1, 0, 0, 1]),      # a name among numbers: all are names
])
def test_label_mapping(tmp_path, labels, classes):
    text = "".join(f"{i},{i},{label}\n" for i, label in enumerate(labels))
    _, y = nc.load_points(_write(tmp_path, text))
    np.testing.assert_array_equal(y[:, 0], classes)


def test_load_points_accepts_the_most_rows(tmp_path):
    text = "".join(f"{i / 10_000},{-i / 10_000},{i % 2}\n" for i in range(nc.MAX_POINTS))
    x, y = nc.load_points(_write(tmp_path, "x1,x2,label\n" + text))
    assert x.shape == (nc.MAX_POINTS, 2) and y.sum() == nc.MAX_POINTS // 2


@pytest.mark.parametrize("content, line, words", [
    ("x1,x2,label\n0,0,0\n1,oops,1\n0,1,0\n1,0,1\n", 3, "x2 'oops' is not a number"),
    ("0,0,0\n1,1,1\n0,1,0\n\n1e999,0,1\n", 5, "x1 '1e999' is not finite"),
    ("0,0,0\n1,1,1\nnan,1,0\n1,0,1\n", 3, "x1 'nan' is not finite"),
    ("0,0,0\n1,1,1\n0,-inf,0\n1,0,1\n", 3, "x2 '-inf' is not finite"),
    ("0,0,0\n1,1,1\n0,1e7,0\n1,0,1\n", 3, "larger than"),
    ("0,0,a\n1,1,a\n0,1,a\n1,0,a\n", 4, "every label is 'a'"),
    ("0,0,0\n1,1,1\n0,1,2\n1,0,1\n", 3, "a third label '2'"),
    ("0,0,cat\n1,1,dog\n0,1,cow\n1,0,dog\n", 3, "a third label 'cow'"),
    ("0,0,0\n1,1,1\n0,1,0,7\n1,0,1\n", 3, "expected 3 columns"),
    ("0,0,0\n1,1\n", 2, "expected 3 columns"),
    ("0,0,0\n1,1,1\n0,1,0\n", 3, "ends after 3 row(s)"),
    ("x1,x2,label\n", None, "ends after 0 row(s)"),
    ("", None, "ends after 0 row(s)"),
    ("0,0,0\n1,1,1\n0,1,\n1,0,1\n", 3, "the label is empty"),
    ("x1,x2,label\nx1,x2,label\n0,0,0\n1,1,1\n0,1,0\n", 2, "x1 'x1' is not a number"),
    (b"0,0,0\n1,1,1\n0,1,\xe9\n1,0,1\n", 3, "not UTF-8"),
    ("0,0,0\n1,1,1\n\0,1,0\n1,0,1\n".encode("utf-16"), 1, "not UTF-8"),
    ("0,0,0\n1,1,1\n0,1,0\n" + "1,0," + "x" * 200_000 + "\n", 4, "not valid CSV"),
])
def test_bad_csv_names_its_line(tmp_path, content, line, words):
    path = _write(tmp_path, content)
    with pytest.raises(nc.PointsError) as info:
        nc.load_points(path)
    message = str(info.value)
    assert isinstance(info.value, ValueError) and "\n" not in message
    assert words in message and str(path) in message
    assert info.value.line == line
    if line is not None:
        assert f"line {line}" in message or f"-{line}:" in message


def test_too_many_rows_names_the_first_extra_line(tmp_path):
    text = "x1,x2,label\n" + "".join(f"0,{i},{i % 2}\n" for i in range(nc.MAX_POINTS + 5))
    with pytest.raises(nc.PointsError, match=r"line 10002: more than 10,000 rows") as info:
        nc.load_points(_write(tmp_path, text))
    assert info.value.line == 10_002


def test_file_over_the_size_cap(tmp_path):
    path = _write(tmp_path, GOOD + "0" * nc.MAX_CSV_BYTES)
    with pytest.raises(nc.PointsError, match="1,000,000-byte limit"):
        nc.load_points(path)


def test_not_a_regular_file(tmp_path):
    with pytest.raises(nc.PointsError, match="not a regular file"):
        nc.load_points(tmp_path)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(nc.PointsError, match="not a regular file"):
        nc.load_points(fifo)  # must not wait for a writer
    with pytest.raises(nc.PointsError, match="cannot open"):
        nc.load_points(tmp_path / "missing.csv")
    with pytest.raises(nc.PointsError, match="cannot open"):
        nc.load_points("bad\0name.csv")


def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    target = _write(tmp_path, GOOD)
    (tmp_path / "link.csv").symlink_to(target)
    assert np.array_equal(nc.load_points(tmp_path / "link.csv")[0], nc.load_points(target)[0])


def test_points_error_survives_pickling():
    error = pickle.loads(pickle.dumps(nc.PointsError("p.csv, line 3: bad", 3)))
    assert str(error) == "p.csv, line 3: bad" and error.line == 3
