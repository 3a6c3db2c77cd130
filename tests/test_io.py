from __future__ import annotations

import pytest

from journeymap import (
    JourneyValidationError,
    dumps_journey,
    load_journey,
    loads_journey,
    read_graphml,
    read_node_link,
    save_journey,
    write_graphml,
    write_node_link,
)


def test_samples_round_trip_through_every_format(sample_path, tmp_path):
    journey = load_journey(sample_path)
    for name, write, read in [
        ("j.yaml", save_journey, load_journey),
        ("j.json", save_journey, load_journey),
        ("j.node-link.json", write_node_link, read_node_link),
        ("j.graphml", write_graphml, read_graphml),
    ]:
        path = write(journey, tmp_path / name)
        again = read(path)
        assert again == journey, name
        assert again.to_dict() == journey.to_dict()


def test_saved_yaml_keeps_diacritics_and_whole_numbers(good_file, tmp_path):
    journey = load_journey(good_file)
    text = dumps_journey(journey)
    assert 'Màn hình "Xác thực khuôn mặt" <eKYC> & OTP' in text
    assert "\\u" not in text
    assert "ces: 6\n" in text
    assert loads_journey(text) == journey


def test_reads_utf8_bom_and_utf16(good_text, tmp_path):
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + good_text.encode("utf-8"))
    utf16 = tmp_path / "u16.yaml"
    utf16.write_text(good_text, encoding="utf-16")
    assert load_journey(bom) == load_journey(utf16)
    assert load_journey(bom).title == "Mở tài khoản ngân hàng số"


def test_undecodable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("journey: Mở\n".encode() + b"name: caf\xe9\n")
    with pytest.raises(JourneyValidationError, match=r"line 2: the file is not UTF-8 text \(byte 0xe9\)"):
        load_journey(path)


def test_unknown_suffix_is_rejected(tmp_path):
    path = tmp_path / "journey.txt"
    path.write_text("journey: x", encoding="utf-8")
    with pytest.raises(JourneyValidationError, match=r"journey\.txt from its suffix '\.txt'; use one of: \.yaml, \.yml, \.json"):
        load_journey(path)


def test_save_refuses_invalid_journey(tmp_path, good_file):
    journey = load_journey(good_file)
    journey.graph.nodes["ekyc"]["drop_off"] = 5
    target = tmp_path / "out.yaml"
    with pytest.raises(JourneyValidationError, match="drop_off"):
        save_journey(journey, target)
    assert not target.exists()
