"""The kiosk form's steps as pure functions: no request, no database."""

from __future__ import annotations

from tongban.forms.prefill import Prefilled
from tongban.hall import kiosk_steps as steps


def _state() -> steps.State:
    return steps.state_for("food", {"premises": "own"}, None)


def test_it_starts_a_new_state_for_another_form() -> None:
    kept = {"code": "food", "situations": {"premises": "rent"}, "data": {"name": "张三"}}
    assert steps.state_for("food", {"premises": "own"}, kept)["data"] == {"name": "张三"}
    fresh = steps.state_for("publication", {}, kept)
    assert fresh == {"code": "publication", "situations": {}, "data": {}, "sources": {}}
    assert steps.state_for("food", {"premises": "own"}, "garbage")["situations"] == {
        "premises": "own"
    }


def test_it_takes_only_situation_options_that_exist() -> None:
    state = _state()
    options = {"premises": ["own", "rent"]}
    steps.situations_choose(state, {"s_premises": "castle", "s_unknown": "x"}, options)
    assert state["situations"] == {"premises": "own"}
    steps.situations_choose(state, {"s_premises": "rent"}, options)
    assert state["situations"] == {"premises": "rent"}


def test_a_document_value_that_is_not_editable_stands() -> None:
    state = _state()
    steps.prefill_apply(
        state, {"id_number": Prefilled("ID-FROM-DOCUMENT", "id_document", "证件", False)}
    )
    steps.typed_apply(state, {"id_number": "ID-TYPED-OVER"})
    assert state["data"]["id_number"] == "ID-FROM-DOCUMENT"
    assert state["sources"]["id_number"]["source"] == "id_document"


def test_a_corrected_value_is_the_persons_and_loses_its_source() -> None:
    state = _state()
    steps.prefill_apply(state, {"address": Prefilled("示例路1号", "id_document", "证件", True)})
    steps.typed_apply(state, {"address": "示例路2号"})
    assert state["data"]["address"] == "示例路2号"
    assert "address" not in state["sources"]
    steps.prefill_apply(state, {"address": Prefilled("示例路1号", "id_document", "证件", True)})
    assert state["data"]["address"] == "示例路2号"  # typed by the person: not overwritten


def test_a_new_reading_replaces_what_the_last_reading_filled_only() -> None:
    state = _state()
    steps.prefill_apply(state, {"name": Prefilled("张三", steps.DOCUMENT, "证件", True)})
    steps.typed_apply(state, {"name": "张三", "phone": "13800000000"})
    steps.reading_apply(state, kind="id_card", reading={"valid": True}, values={"name": "李四"})
    assert "name" not in state["data"] and state["data"]["phone"] == "13800000000"
    assert state["reading"] == {"name": "李四"} and state["readings"]["id_card"] == {"valid": True}


def test_which_actions_take_the_typed_values() -> None:
    assert steps.takes_typed_values("") and steps.takes_typed_values("print")
    assert not steps.takes_typed_values(steps.READS_DOCUMENT)
    assert not steps.takes_typed_values(steps.CHANGES_SITUATIONS)
