"""The pump state machine, the sequence checks, and MLLP framing (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corsia.administration.domain.hl7_pcd import AckCode, Hl7Error, MessageRefused, parse_pcd
from corsia.administration.domain.pump_state import (
    PumpEvent,
    PumpState,
    SequencePosition,
    check_sequence,
    decide,
    next_state,
    programme_answered,
)
from corsia.administration.pumps.mllp import END, START, FrameReader
from corsia.testing.administration import PCD01_RUNNING, PCD04_OCCLUSION

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (PumpState.IDLE, PumpEvent.PROGRAMME_SENT, PumpState.AWAITING_ACK),
        (PumpState.AWAITING_ACK, PumpEvent.PROGRAMME_ACCEPTED, PumpState.PROGRAMMED),
        (PumpState.PROGRAMMED, PumpEvent.REPORTED_RUNNING, PumpState.RUNNING),
        # a pump that starts before its ACK is recorded
        (PumpState.AWAITING_ACK, PumpEvent.REPORTED_RUNNING, PumpState.RUNNING),
        (PumpState.AWAITING_ACK, PumpEvent.ALARM_RAISED, PumpState.ALARM),
        # the previous programme's routine reports: still awaiting the answer
        (PumpState.AWAITING_ACK, PumpEvent.REPORTED_PAUSED, PumpState.AWAITING_ACK),
        (PumpState.AWAITING_ACK, PumpEvent.REPORTED_COMPLETED, PumpState.AWAITING_ACK),
        (PumpState.RUNNING, PumpEvent.REPORTED_PAUSED, PumpState.PAUSED),
        (PumpState.RUNNING, PumpEvent.ALARM_RAISED, PumpState.ALARM),
        (PumpState.ALARM, PumpEvent.ALARM_ENDED, PumpState.PAUSED),
        (PumpState.RUNNING, PumpEvent.ALARM_ENDED, PumpState.RUNNING),
        (PumpState.RUNNING, PumpEvent.REPORTED_COMPLETED, PumpState.COMPLETED),
        (PumpState.COMPLETED, PumpEvent.PROGRAMME_SENT, PumpState.AWAITING_ACK),
        (PumpState.PAUSED, PumpEvent.PROGRAMME_SENT, PumpState.AWAITING_ACK),
    ],
)
def test_allowed_transitions(state: PumpState, event: PumpEvent, after: PumpState) -> None:
    assert next_state(state, event) == after


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (PumpState.IDLE, PumpEvent.REPORTED_RUNNING),  # never programmed
        (PumpState.RUNNING, PumpEvent.PROGRAMME_SENT),  # reprogramming while infusing
        (PumpState.ALARM, PumpEvent.PROGRAMME_SENT),
        (PumpState.AWAITING_ACK, PumpEvent.PROGRAMME_SENT),  # one programme at a time
        (PumpState.IDLE, PumpEvent.PROGRAMME_ACCEPTED),  # an answer to nothing sent
        (PumpState.RUNNING, PumpEvent.PROGRAMME_ACCEPTED),
        (PumpState.IDLE, PumpEvent.ALARM_RAISED),
        (PumpState.PROGRAMMED, PumpEvent.REPORTED_COMPLETED),
    ],
)
def test_refused_transitions_answer_ae(state: PumpState, event: PumpEvent) -> None:
    with pytest.raises(MessageRefused) as refused:
        next_state(state, event)
    assert (refused.value.ack_code, refused.value.code) == (AckCode.ERROR, "invalid_transition")


@pytest.mark.parametrize(
    ("state", "before", "accepted", "after", "reported_first"),
    [
        # still awaiting: AA programs it, a refusal or no answer gives back what it had
        (PumpState.AWAITING_ACK, PumpState.IDLE, True, PumpState.PROGRAMMED, False),
        (PumpState.AWAITING_ACK, PumpState.IDLE, False, PumpState.IDLE, False),
        (PumpState.AWAITING_ACK, PumpState.PAUSED, False, PumpState.PAUSED, False),
        (PumpState.AWAITING_ACK, PumpState.COMPLETED, True, PumpState.PROGRAMMED, False),
        # the pump reported first: its report is newer than the answer and stands
        (PumpState.RUNNING, PumpState.IDLE, True, PumpState.RUNNING, True),
        (PumpState.ALARM, PumpState.IDLE, True, PumpState.ALARM, True),
        (PumpState.RUNNING, PumpState.PAUSED, False, PumpState.RUNNING, True),
    ],
)
def test_the_answer_to_a_programme(
    state: PumpState, before: PumpState, accepted: bool, after: PumpState, reported_first: bool
) -> None:
    answer = programme_answered(state=state, before=before, accepted=accepted)
    assert (answer.state, answer.reported_first) == (after, reported_first)


def test_duplicate_control_id_is_rejected_ar_205() -> None:
    with pytest.raises(MessageRefused) as refused:
        check_sequence(
            position=SequencePosition(last_applied_at=T0, control_id_seen=True),
            control_id="S-7",
            sent_at=T0 + timedelta(minutes=1),
        )
    assert (refused.value.ack_code, refused.value.hl7_error, refused.value.code) == (
        AckCode.REJECT,
        Hl7Error.DUPLICATE_KEY,
        "duplicate",
    )


def test_older_message_is_out_of_order_ae_but_same_second_is_fine() -> None:
    position = SequencePosition(last_applied_at=T0, control_id_seen=False)
    check_sequence(position=position, control_id="N", sent_at=T0)
    with pytest.raises(MessageRefused) as refused:
        check_sequence(position=position, control_id="N", sent_at=T0 - timedelta(seconds=1))
    assert (refused.value.ack_code, refused.value.code) == (AckCode.ERROR, "out_of_order")


def test_decide_status_and_alarm() -> None:
    fresh = SequencePosition(last_applied_at=None, control_id_seen=False)
    status = parse_pcd(PCD01_RUNNING)
    alarm = parse_pcd(PCD04_OCCLUSION)
    assert not isinstance(status, type(alarm))
    decision = decide(state=PumpState.PROGRAMMED, position=fresh, message=status)  # type: ignore[arg-type]  # a status report
    assert decision.state == PumpState.RUNNING
    decision = decide(state=PumpState.RUNNING, position=fresh, message=alarm)  # type: ignore[arg-type]  # an alarm report
    assert (decision.state, decision.event) == (PumpState.ALARM, PumpEvent.ALARM_RAISED)


def test_frames_split_across_reads_and_noise_between_frames() -> None:
    reader = FrameReader()
    assert reader.feed(b"noise" + START + b"MSH|one") == []
    assert reader.feed(b"\rPID" + END[:1]) == []
    assert reader.feed(END[1:] + b"xx" + START + b"two" + END + START + b"thr") == [
        b"MSH|one\rPID",
        b"two",
    ]
    assert reader.feed(b"ee" + END) == [b"three"]
    assert reader.discarded_bytes == len(b"noise") + len(b"xx")


def test_a_frame_restarted_before_its_end_keeps_the_new_one() -> None:
    reader = FrameReader()
    assert reader.feed(START + b"half" + START + b"whole" + END) == [b"whole"]


def test_oversized_frame_is_dropped_and_the_next_one_read() -> None:
    reader = FrameReader(max_frame=10)
    assert reader.feed(START + b"x" * 11) == []
    assert reader.oversized_frames == 1
    assert reader.feed(b"y" * 5 + END + START + b"ok" + END) == [b"ok"]
