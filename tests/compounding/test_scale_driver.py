"""The hood's balance: MT-SICS and Sartorius SBI replies parsed, and the driver talking to
a simulated balance on a pseudo-terminal (``os.openpty``) like a real serial port.

Reply formats (MT-SICS reference manual, level 0 ``S``/``SI``; Sartorius SBI data output
format, 16 characters: sign, value, unit, CR LF, or 22 with a 6-character header):
``S S      12.345 g`` is a stable 12.345 g; ``S D`` dynamic; ``S I`` not executable now;
``S +`` overload; ``S -`` underload; ``ES``/``ET``/``EL`` errors. SBI ``+  1255.7 g``;
no unit = not stable; ``H`` overload; ``L`` underload.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from corsia.compounding.domain.balance import ScaleError, ScaleProtocol, parse_mt_sics, parse_sbi
from corsia.compounding.scales import SerialScale, scale_from_settings
from corsia.testing.compounding import PtyBalance


@pytest.mark.parametrize(
    ("reply", "grams"),
    [
        ("S S      12.345 g\r\n", Decimal("12.345")),
        ("S S     313.90 g\r\n", Decimal("313.90")),
        ("S S    -0.002 g\r\n", Decimal("-0.002")),
        ("S S       1.2 kg\r\n", Decimal("1200.0")),
    ],
)
def test_mt_sics_stable_weight_is_read_in_grams(reply: str, grams: Decimal) -> None:
    assert parse_mt_sics(reply) == grams


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("S D      12.345 g\r\n", "scale_unstable"),  # dynamic: SI while moving
        ("S I\r\n", "scale_unstable"),  # no stable weight in time
        ("S +\r\n", "scale_overload"),
        ("S -\r\n", "scale_underload"),
        ("ES\r\n", "scale_command_error"),
        ("ET\r\n", "scale_command_error"),
        ("EL\r\n", "scale_command_error"),
        ("S S      12.345 lb\r\n", "scale_unit"),
        ("garbage\r\n", "scale_reply_invalid"),
        ("", "scale_no_reply"),
    ],
)
def test_H_scale_mt_sics_unusable_reply_is_a_clear_error(reply: str, code: str) -> None:
    with pytest.raises(ScaleError) as refused:
        parse_mt_sics(reply)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("line", "grams"),
    [
        ("+  1255.7 g   \r\n", Decimal("1255.7")),  # 16 characters
        ("N     +   313.90 g  \r\n", Decimal("313.90")),  # 22: header "N     "
        ("-     0.05 g   \r\n", Decimal("-0.05")),
    ],
)
def test_sbi_stable_weight_is_read_in_grams(line: str, grams: Decimal) -> None:
    assert parse_sbi(line) == grams


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("+   313.90      \r\n", "scale_unstable"),  # no unit printed: not stable
        ("      H       \r\n", "scale_overload"),
        ("      L       \r\n", "scale_underload"),
        ("   Err 54     \r\n", "scale_command_error"),
        ("+   313.90 oz   \r\n", "scale_unit"),
    ],
)
def test_H_scale_sbi_unusable_reply_is_a_clear_error(line: str, code: str) -> None:
    with pytest.raises(ScaleError) as refused:
        parse_sbi(line)
    assert refused.value.code == code


def test_mt_sics_driver_reads_the_balance_over_a_serial_line() -> None:
    balance = PtyBalance([b"S S     313.90 g\r\n"])
    try:
        scale = SerialScale(balance.path, ScaleProtocol.MT_SICS, "BIL-01", timeout_s=2)
        assert scale.read_grams() == Decimal("313.90")
        assert balance.received == [b"S\r\n"]  # the "stable weight" command
    finally:
        balance.close()


def test_sbi_driver_sends_esc_p_and_reads_the_print_line() -> None:
    balance = PtyBalance([b"+   280.00 g   \r\n"])
    try:
        scale = SerialScale(balance.path, ScaleProtocol.SARTORIUS_SBI, "SART-1", timeout_s=2)
        assert scale.read_grams() == Decimal("280.00")
        assert balance.received == [b"\x1bP\r\n"]
    finally:
        balance.close()


def test_H_scale_overload_from_the_driver_is_refused() -> None:
    balance = PtyBalance([b"S +\r\n"])
    try:
        scale = SerialScale(balance.path, ScaleProtocol.MT_SICS, "BIL-01", timeout_s=2)
        with pytest.raises(ScaleError) as refused:
            scale.read_grams()
        assert refused.value.code == "scale_overload"
    finally:
        balance.close()


def test_H_scale_silent_balance_times_out() -> None:
    balance = PtyBalance([])  # never answers
    try:
        scale = SerialScale(balance.path, ScaleProtocol.MT_SICS, "BIL-01", timeout_s=0.3)
        with pytest.raises(ScaleError) as refused:
            scale.read_grams()
        assert refused.value.code == "scale_timeout"
    finally:
        balance.close()


def test_H_scale_unreachable_port_and_unknown_protocol_are_clear_errors() -> None:
    scale = SerialScale("/dev/nonexistent-balance", ScaleProtocol.MT_SICS, "X", timeout_s=0.2)
    with pytest.raises(ScaleError) as refused:
        scale.read_grams()
    assert refused.value.code == "scale_unreachable"
    with pytest.raises(ScaleError) as unknown:
        scale_from_settings(url="socket://127.0.0.1:1", protocol="ohaus", scale_id="X")
    assert unknown.value.code == "scale_protocol_unknown"
    assert scale_from_settings(url=" ", protocol="mt_sics", scale_id="X") is None


def test_tcp_balance_through_socket_url() -> None:
    """``socket://host:port`` reaches a network balance (a loopback server here)."""
    import socket

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            data = b""
            while not data.endswith(b"\n"):
                data += conn.recv(16)
            conn.sendall(b"S S      50.231 g\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        scale = scale_from_settings(
            url=f"socket://127.0.0.1:{port}", protocol="mt_sics", scale_id="BIL-NET"
        )
        assert scale is not None
        assert scale.read_grams() == Decimal("50.231")
    finally:
        thread.join(timeout=2)
        server.close()
