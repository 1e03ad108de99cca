import socket, time
a = socket.socket(); a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
a.bind(("127.0.0.8", 179)); a.listen(5)
b = socket.socket(); b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
b.bind(("127.0.0.9", 179)); b.listen(0)
fill = []
for i in range(3):
    s = socket.socket(); s.setblocking(False)
    try: s.connect(("127.0.0.9", 179))
    except BlockingIOError: pass
    fill.append(s)
conns = []
while True:
    c, _ = a.accept(); conns.append(c)
