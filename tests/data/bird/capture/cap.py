import socket, sys, re
path, cmd, out = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
data = b""
def read_reply():
    global data
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk: return buf
        buf += chunk
        # reply ends with a line "NNNN text" (code + space) at line start
        lines = buf.split(b"\n")
        for l in lines[:-1]:
            if re.match(rb"^\d{4} ", l):
                return buf
greet = read_reply()
s.sendall(cmd.encode() + b"\n")
rep = read_reply()
open(out, "wb").write(greet + rep)
s.close()
