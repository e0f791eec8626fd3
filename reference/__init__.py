"""Reference NumPy implementation of every concept the exercises teach.

One module per concept (losses, activations, ...). Each public function states its formula and
array shapes; layers follow `xxx_forward(x, ...) -> (out, cache)` and
`xxx_backward(dout, cache) -> grads`. Where the course notes slip, the mathematics wins.
"""
