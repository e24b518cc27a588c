#!/usr/bin/env python3
"""Write the seed corpora of fuzz/corpus/TARGET/: a few valid and tricky inputs per target.

libFuzzer starts from these and mutates them; the tests replay them (and fuzz/regressions/)
on stable through the same functions (tests/tests/fuzz_corpus.rs). Run again after editing:
file names are the seeds' names, so the corpus diff stays readable.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def http_head():
    return {
        "get": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "head-keepalive-10": b"HEAD /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "leading-blank-lines": b"\r\n\r\n\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n",
        "bare-lf": b"GET /a HTTP/1.1\nHost: x\n\n",
        "pipelined": b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        "smuggling-cl-te": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "two-lengths": b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "chunked": b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "version-2": b"GET / HTTP/2.0\r\n\r\n",
        "obs-fold": b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        "range": b"GET /f HTTP/1.1\r\nRange: bytes=0-9\r\nIf-Range: \"x\"\r\n"
        b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
        "long-target": b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",
        "bare-cr": b"GET / HTTP/1.1\rHost: x\r\n\r\n",
        "percent": b"GET /%2e%2e/%2fetc/passwd?x=1#f HTTP/1.1\r\n\r\n",
        "partial": b"GET / HTTP/1.1\r\nHost:",
    }


def http_range():
    values = ["bytes=0-99", "bytes=-500", "bytes=100-", "bytes=5-1", "bytes=0-0,5-9", "items=0-1",
              " bytes=1-2 ", "bytes=99999999999999999999-", "BYTES=0-", "bytes=-0", "bytes=-",
              "bytes=18446744073709551615-18446744073709551615", "bytes= 3 - 4"]
    return {f"r{i}": v.encode() for i, v in enumerate(values)}


def chat_lines():
    return {
        "two-lines": b"hello\nworld\n",
        "crlf": b"a\r\nb\r\n",
        "too-long": b"x" * 5000 + b"\nnext\n",
        "max-line-crlf": b"y" * 4096 + b"\r\nz\n",
        "bad-utf8": b"\xff\xfe\nok\n",
        "tail": b"no newline yet",
        "blank": b"\n\n\r\n",
        "utf8": "héllo ✓ \u202e\n".encode(),
    }


def chat_command():
    lines = ["/nick bob", "/msg alice hi there", "/me waves", "/quit bye", "/quit", "/list",
             "hello", "/unknown x", "//double", "\x1b[2Jclear", "hi\rforged",
             '{"command":"login","param":"alice"}', '{"command":"message","param":"hi"}',
             '{"command":"private","to":"bob","param":"x"}', '{"command":"list"}',
             '{"command":"me","param":"waves"}', '{"command":"quit","param":"later"}',
             '{"event":"members","members":["a","b"]}', '{"status":"error","reason":"r"}',
             '{"event":"left","nick":"a","reason":"quit"}', '{"command":1}', "[]"]
    return {f"c{i}": v.encode() for i, v in enumerate(lines)}


def dns_name(text):
    out = b""
    for label in text.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_record(owner, rtype, rdata, ttl=300):
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def dns_message():
    header = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0)
    question = dns_name("a.test") + struct.pack(">HH", 1, 1)
    ptr = b"\xc0\x0c"  # the question's name, at offset 12
    answer_a = header + question + dns_record(ptr, 1, bytes([192, 0, 2, 1]))
    many = struct.pack(">HHHHHH", 1, 0x8180, 1, 5, 1, 1) + question
    many += dns_record(ptr, 28, bytes(16))
    many += dns_record(ptr, 15, b"\x00\x0a" + b"\x02mx\xc0\x0c")
    many += dns_record(ptr, 16, b"\x05hello\x05world")
    many += dns_record(ptr, 5, b"\x03www\xc0\x0c")
    many += dns_record(ptr, 12, dns_name("host.example"))
    many += dns_record(ptr, 6, b"\x02ns\xc0\x0c\x04mail\xc0\x0c" + struct.pack(">IIIII", 1, 2, 3, 4, 5))
    many += dns_record(b"\0", 41, b"", ttl=0)
    loop = struct.pack(">HHHHHH", 2, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c" + struct.pack(">HH", 1, 1)
    forward = struct.pack(">HHHHHH", 3, 0x8180, 1, 0, 0, 0) + b"\xc0\x20" + struct.pack(">HH", 1, 1)
    lying = struct.pack(">HHHHHH", 4, 0x8180, 1, 65535, 0, 0) + question
    return {"answer-a": answer_a, "many-types": many, "pointer-loop": loop,
            "pointer-forward": forward, "counts-lie": lying, "truncated": answer_a[:20]}


def metrics_frame(mtype, payload, canary=0xA5):
    return bytes([0xB5, 0x4D, 1, mtype]) + struct.pack("<H", len(payload)) + payload + bytes([canary])


def str8(s):
    return bytes([len(s)]) + s


def metrics_binary_frames():
    desc = metrics_frame(0x00, b"\x00" + str8(b"hits") + struct.pack("<H", 4) + b"doc!")
    val = metrics_frame(0x01, struct.pack("<dq", 1.5, 0) + str8(b"hits"))
    get = metrics_frame(0x02, str8(b"hits"))
    lst = metrics_frame(0x03, b"")
    quit_ = metrics_frame(0x04, b"")
    ok = metrics_frame(0x80, str8(b"fine"))
    err = metrics_frame(0x81, b"\x02" + str8(b"bad name"))
    sample = metrics_frame(0x82, b"\x01" + struct.pack("<dq", 2.0, 7) + str8(b"g") + struct.pack("<H", 1) + b"d")
    head = metrics_frame(0x83, struct.pack("<I", 2))
    entry = metrics_frame(0x84, b"\x00" + struct.pack("<dq", 3.0, 9) + str8(b"c"))
    return {"desc": desc, "val": val, "get": get, "list": lst, "quit": quit_, "replies": ok + err + sample + head + entry,
            "session": desc + val + get + lst + quit_, "bad-canary": metrics_frame(0x02, str8(b"x"), canary=0),
            "too-long": bytes([0xB5, 0x4D, 1, 0x02, 0xff, 0xff]), "bad-version": bytes([0xB5, 0x4D, 9])}


def metrics_lines():
    text = b"DESC hits counter requests served\nVAL hits 1\nVAL hits 2 1700000000000\nGET hits\nLIST\n" \
           b"VAL hits nan\nval bad-name 1\nGET\n\nQUIT\n"
    js = b'{"command":"desc","param":"t","kind":"gauge","doc":"temp"}\n' \
         b'{"command":"val","param":"t","value":21.5}\n{"command":"get","param":"t"}\n{"command":"list"}\n' \
         b'{"command":"get","parm":"t"}\n{"command":"val","param":"t","value":1e999}\n{"command":"quit"}\n'
    return text, js


def main():
    text, js = metrics_lines()
    binary = metrics_binary_frames()
    corpora = {
        "http_head": http_head(),
        "http_range": http_range(),
        "chat_lines": chat_lines(),
        "chat_command": chat_command(),
        "dns_message": dns_message(),
        "metrics_binary": binary,
        "metrics_line": {"text": text, "json": js},
        "metrics_session": {"text": text, "json": js, "binary": binary["session"],
                            "long-line": b"GET " + b"x" * 2000 + b"\nLIST\n", "garbage-first": b"\x00\x01"},
    }
    for target, seeds in corpora.items():
        folder = os.path.join(HERE, "corpus", target)
        os.makedirs(folder, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
