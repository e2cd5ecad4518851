"""`hearth privacy report|export|forget|verify`: what Hearth holds about what was said, all of it as
JSON, deleting it, and checking the audit chain. Policy does the work; this prints it."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.timestamp_pb2 import Timestamp

from hearth import events
from hearth.cli.policy_client import PolicyUnavailable, call, fail
from hearth.v1 import policy_pb2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="privacy_command", required=True)
    report = sub.add_parser(
        "report",
        help="what is held per class and site, the next purge, mute history, sessions per day",
    )
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    export = sub.add_parser("export", help="everything held, as JSON")
    export.add_argument("--site", default="", help="only this site")
    export.add_argument(
        "--output", "-o", type=Path, help="write to this file instead of standard output"
    )
    forget = sub.add_parser("forget", help="delete the last session, a time range, or everything")
    forget.add_argument("--site", default="", help="only this site (default: every site)")
    scope = forget.add_mutually_exclusive_group(required=True)
    scope.add_argument("--last", action="store_true", help="the most recent session")
    scope.add_argument("--since", help="from this time: ISO 8601 (2026-11-25T08:00) or 'today'")
    scope.add_argument("--all", action="store_true", help="everything")
    forget.add_argument(
        "--until", help="up to this time (ISO 8601); default now; only with --since"
    )
    sub.add_parser(
        "verify", help="check the audit chain; exit 1 and say which entry when it is broken"
    )


def run(args: argparse.Namespace) -> int:
    command = args.privacy_command
    try:
        if command == "report":
            return _report(args)
        if command == "export":
            return _export(args)
        if command == "forget":
            return _forget(args)
        return _verify(args)
    except PolicyUnavailable as exc:
        return fail(exc)
    except ValueError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return 2


def _report(args: argparse.Namespace) -> int:
    report: policy_pb2.PrivacyReport = call(
        args,
        lambda stub, common: stub.Report(policy_pb2.ReportRequest(), timeout=common.rpc_timeout_s),
    )
    if args.json:
        print(
            json.dumps(MessageToDict(report, always_print_fields_with_no_presence=True), indent=2)
        )
        return 0
    print("Held now:")
    for c in report.classes:
        if not c.enabled:
            print(f"  {c.retention_class:<11} not stored (off)")
            continue
        oldest = f", oldest {_when(c.oldest)}" if c.HasField("oldest") else ""
        sites = ", ".join(f"{site} {n}" for site, n in sorted(c.items_per_site.items()))
        print(
            f"  {c.retention_class:<11} {c.items:>5} items (kept "
            f"{_duration(c.retention_s)}){oldest}{f'; {sites}' if sites else ''}"
        )
    if report.HasField("next_purge"):
        print(f"Next purge: {_when(report.next_purge)}")
    if not report.store_writable:
        print("Storing is STOPPED: the store or its disk is full.")
    print("Sessions per day (probable false wakes, push-to-talk, follow-ups):")
    for day in report.days or []:
        print(
            f"  {day.day} {day.site:<14} {day.sessions:>4} ({day.probable_false_wakes}, "
            f"{day.push_to_talk}, {day.follow_ups})"
        )
    if not report.days:
        print("  none held")
    print("Mute changes (latest first):")
    for change in list(report.mute_history)[:10]:
        print(
            f"  {_when(change.at)} {change.site:<14} {'muted' if change.muted else 'unmuted'} by "
            f"{change.changed_by}"
        )
    if not report.mute_history:
        print("  none")
    print(f"Audit chain: {report.audit.length} entries, head {report.audit.head[:16]}")
    return 0


def _export(args: argparse.Namespace) -> int:
    async def collect(stub: Any, common: Any) -> list[policy_pb2.HeldItem]:
        return [
            item
            async for item in stub.Export(
                policy_pb2.ExportRequest(site=args.site, requested_by="cli"),
                timeout=common.rpc_timeout_s,
            )
        ]

    items = call(args, collect)
    document = {
        "exported_at": datetime.now().astimezone().isoformat(),
        "items": [_item_json(item) for item in items],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"{len(items)} items written to {args.output}")
    else:
        print(text)
    return 0


def _item_json(item: policy_pb2.HeldItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": item.retention_class,
        "site": item.site,
        "session_id": item.session_id,
        "created_at": _iso(item.created_at),
        "expires_at": _iso(item.expires_at),
    }
    if item.text:
        out["text"] = item.text
    if item.slots:
        out["slots"] = dict(item.slots)
    if item.outcome:
        out["outcome"] = item.outcome
    if item.audio:
        out["audio_pcm16le_16khz_mono_base64"] = base64.b64encode(item.audio).decode()
    return out


def _forget(args: argparse.Namespace) -> int:
    request = policy_pb2.ForgetRequest(site=args.site, requested_by="cli")
    if args.until and not args.since:
        raise ValueError("--until goes with --since")
    if args.last:
        request.last_session = True
    elif args.all:
        request.everything = True
    else:
        request.range.since.CopyFrom(_timestamp(args.since))
        if args.until:
            request.range.until.CopyFrom(_timestamp(args.until))
    reply = call(args, lambda stub, common: stub.Forget(request, timeout=common.rpc_timeout_s))
    detail = ", ".join(f"{n} {c}" for c, n in sorted(reply.deleted_per_class.items()))
    print(
        f"deleted {reply.deleted} items from {reply.sessions} sessions"
        + (f" ({detail})" if detail else "")
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    reply = call(
        args,
        lambda stub, common: stub.Verify(policy_pb2.VerifyRequest(), timeout=common.rpc_timeout_s),
    )
    if reply.ok:
        print(
            f"audit chain verified: {reply.entries} entries held, {reply.head.length} written, "
            f"head {reply.head.head[:16]}"
        )
        return 0
    print(f"audit chain BROKEN at entry {reply.broken_at}: {reply.problem}")
    return 1


def _timestamp(text: str) -> Timestamp:
    if text == "today":
        moment = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{text!r} is not a time: use ISO 8601 such as 2026-11-25T08:00, or 'today'"
            ) from None
        if moment.tzinfo is None:
            moment = moment.astimezone()
    return events.timestamp_from_seconds(moment.timestamp())


def _local(stamp: Timestamp) -> datetime:
    return datetime.fromtimestamp(stamp.ToNanoseconds() / 1e9).astimezone()


def _iso(stamp: Timestamp) -> str:
    return _local(stamp).isoformat(timespec="seconds")


def _when(stamp: Timestamp) -> str:
    return _local(stamp).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float) -> str:
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds / size
            return f"{count:g} {unit}{'' if count == 1 else 's'}"
    return f"{seconds:g} s"
