#!/usr/bin/python3
"""A desktop's notification server for the e2e tests (issue 13), on a private session bus.

Chromium on Linux shows notifications through whatever owns
org.freedesktop.Notifications on the session bus (Desktop Notifications
Specification 1.2), and learns of a click from that server's ActionInvoked
signal, as from GNOME Shell, KDE or dunst. This server owns the name,
answers like a desktop, writes every call it receives to stdout as one JSON
line, and on a line on stdin does what a person's click makes a desktop do.

Why a server of our own rather than a real one (Debian's notification-daemon
or dunst): those draw their popups on an X display (Xvfb, one more process to
start and stop) and give a test nothing to read back: no record of each
Notify's summary, body, actions, hints and expire timeout, none of
CloseNotification, and no way to click notification N from a script. The
test needs exactly those calls and the one ActionInvoked signal, which is all
this file implements: the specification's server side, with no drawing.

Why Python with dbus-python and GLib (Debian's python3-dbus, python3-gi):
they are the freedesktop.org reference binding, packaged and kept by Debian,
on this machine already; no npm D-Bus library is as well kept (dbus-next's
last release is from 2021 and pins event-stream 3.3.4; its forks are
one-person). The test speaks to this process through stdin/stdout.

stdout: {"ready": true}, then one of
  {"call": "Notify", "id", "appName", "summary", "body", "actions", "hints", "expireTimeout"}
  {"call": "CloseNotification", "id"}
  {"call": "GetCapabilities"} / {"call": "GetServerInformation"}
stdin:  {"click": id}   -> ActionInvoked(id, "default") (a click on the notification's body), then,
                          unless the notification has the "resident" hint, NotificationClosed(id, 2):
                          the specification's servers remove a notification whose action was invoked
An unknown command or id is reported as {"error": "..."} and changes nothing.
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def report(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def plain(value):
    """D-Bus values (hints are variants) as JSON; image data as its size only."""
    if isinstance(value, (dbus.Array, list)) and len(value) > 64:
        return {"bytes": len(value)}
    if isinstance(value, (dbus.Struct, tuple)):
        return {"struct": len(value)}
    if isinstance(value, (dbus.Array, list)):
        return [plain(v) for v in value]
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Byte, dbus.Int16, dbus.Int32, dbus.Int64, dbus.UInt16, dbus.UInt32, dbus.UInt64)):
        return int(value)
    return str(value)


class NotificationServer(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.next_id = 1
        self.shown = {}  # id -> resident (stays after an action)

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        report({"call": "GetCapabilities"})
        # What GNOME Shell offers: a clickable body ("actions" brings the "default" action).
        return ["actions", "body", "body-markup", "icon-static", "persistence"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        report({"call": "GetServerInformation"})
        return ("portal-launcher-e2e", "Portal Launcher tests", "1.0", "1.2")

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        nid = int(replaces_id) if int(replaces_id) in self.shown else self.next_id
        if nid == self.next_id:
            self.next_id += 1
        self.shown[nid] = bool(hints.get("resident", False))
        report(
            {
                "call": "Notify",
                "id": nid,
                "appName": str(app_name),
                "summary": str(summary),
                "body": str(body),
                "actions": [str(a) for a in actions],
                "hints": {str(k): plain(v) for k, v in hints.items()},
                "expireTimeout": int(expire_timeout),
            }
        )
        return dbus.UInt32(nid)

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        report({"call": "CloseNotification", "id": int(nid)})
        if int(nid) in self.shown:
            del self.shown[int(nid)]
            # The specification: the server answers a close with NotificationClosed, reason 3.
            self.NotificationClosed(nid, dbus.UInt32(3))

    @dbus.service.signal(NAME, signature="us")
    def ActionInvoked(self, nid, action_key):
        pass

    @dbus.service.signal(NAME, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    def command(self, line):
        try:
            order = json.loads(line)
            if "click" in order:
                nid = int(order["click"])
                if nid not in self.shown:
                    raise ValueError(f"no notification {nid} is shown")
                self.ActionInvoked(dbus.UInt32(nid), "default")
                if not self.shown[nid]:
                    del self.shown[nid]
                    self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(2))
                report({"done": "click", "id": nid})
            else:
                raise ValueError("unknown command")
        except (ValueError, KeyError, TypeError) as error:
            report({"error": f"{error} in {line.strip()!r}"})


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    server = NotificationServer(bus)
    loop = GLib.MainLoop()

    def on_stdin(source, condition):
        line = sys.stdin.readline()
        if not line:  # The test closed our stdin: stop.
            loop.quit()
            return False
        if line.strip():
            server.command(line)
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    report({"ready": True})
    loop.run()
    del name


if __name__ == "__main__":
    main()
