"""``mx.recordio``: MXNet's RecordIO files (``.rec``, with ``.idx`` index files), byte for byte.

A record on disk is a 4-byte magic number (0xced7230a, little-endian), a 4-byte word
holding the payload length in its low 29 bits and a continuation flag in its top 3, the
payload, and zero padding to a multiple of 4 bytes.  A payload that contains the magic at a
4-aligned offset is written as several parts (flag 1 = first, 2 = middle, 3 = last; 0 = a
whole record) with the magic left out between them, so a reader can resynchronise on the
magic; reading puts the magic back.  That is dmlc-core's format, which MXNet's C++
``RecordIOWriter``/``RecordIOReader`` (and its image iterators) use; mxjax reads and writes
it in Python, so files are interchangeable with MXNet 1.9.1's.

An index file (``MXIndexedRecordIO``) has one ``key\\tbyte offset`` line per record.
``pack``/``unpack`` put an ``IRHeader`` (flag, label, id, id2 as ``struct`` ``'IfQQ'``) in
front of a payload, with a label array of ``flag`` float32 values after it when the label is
not a number.  ``pack_img``/``unpack_img`` encode and decode images with OpenCV as MXNet
does (BGR channel order); where OpenCV is absent, Pillow is used with the channels swapped to
OpenCV's order (mxjax's difference: MXNet requires OpenCV).
"""
import numbers
import os
import struct
from collections import namedtuple
from multiprocessing import current_process

import numpy as np

from .base import MXNetError

__all__ = ["MXRecordIO", "MXIndexedRecordIO", "IRHeader", "pack", "unpack", "pack_img", "unpack_img"]

_MAGIC = 0xced7230a
_WORD = struct.Struct("<I")
_MAGIC_BYTES = _WORD.pack(_MAGIC)
_LENGTH_BITS = 29
_MAX_LENGTH = 1 << _LENGTH_BITS


def _record_parts(buf):
    """(flag, bytes) parts of one record: split where the magic sits at a 4-aligned offset."""
    parts, start = [], 0
    for i in range(0, len(buf) - 3, 4):
        if buf[i:i + 4] == _MAGIC_BYTES:
            parts.append((1 if start == 0 else 2, buf[start:i]))
            start = i + 4
    parts.append((0 if start == 0 else 3, buf[start:]))
    return parts


class MXRecordIO:
    """Sequential reading (``flag='r'``) or writing (``flag='w'``) of a RecordIO file.

    ``read()`` returns the next record's bytes, or None at the end of the file; ``write(buf)``
    appends ``buf`` (bytes-like) as one record.  ``reset()`` goes back to the first record
    (and, for a writer, truncates the file).  As in MXNet, a handle must not be used from
    another process than the one that opened it (``RuntimeError``); pickling closes the file
    and the unpickled copy reopens it."""

    def __init__(self, uri, flag):
        self.uri = os.fspath(uri)
        self.flag = flag
        self.pid = None
        self.is_open = False
        self._file = None
        self.open()

    def open(self):
        """Opens the record file."""
        if self.flag == "w":
            mode, self.writable = "wb", True
        elif self.flag == "r":
            mode, self.writable = "rb", False
        else:
            raise ValueError("Invalid flag %s" % self.flag)
        try:
            self._file = open(self.uri, mode)
        except OSError as exc:
            raise MXNetError(f"RecordIO: cannot open {self.uri!r} for {'writing' if self.writable else 'reading'}: "
                             f"{exc.strerror}") from exc
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self):
        self.close()

    def __getstate__(self):
        is_open = self.is_open
        self.close()
        state = dict(self.__dict__)
        state["is_open"] = is_open
        state["_file"] = None
        return state

    def __setstate__(self, state):
        reopen = state["is_open"]
        self.__dict__ = state
        self.is_open = False
        if reopen:
            self.open()

    def _check_pid(self, allow_reset=False):
        if self.pid != current_process().pid:
            if not allow_reset:
                raise RuntimeError("Forbidden operation in multiple processes")
            self.reset()

    def close(self):
        """Closes the record file."""
        if not getattr(self, "is_open", False):
            return
        self._file.close()
        self._file = None
        self.is_open = False
        self.pid = None

    def reset(self):
        """Back to the first record; a writer starts the file again, empty."""
        self.close()
        self.open()

    def write(self, buf):
        """Appends the bytes ``buf`` as one record."""
        assert self.writable
        self._check_pid(allow_reset=False)
        if isinstance(buf, str):
            raise TypeError("RecordIO records are bytes: encode the string first (e.g. s.encode('utf-8'))")
        buf = bytes(buf)
        if len(buf) >= _MAX_LENGTH:
            raise MXNetError(f"RecordIO only accepts records of less than 2^29 bytes, got {len(buf)}")
        out = []
        for flag, part in _record_parts(buf):
            out += [_MAGIC_BYTES, _WORD.pack(flag << _LENGTH_BITS | len(part)), part, b"\0" * (-len(part) % 4)]
        self._file.write(b"".join(out))

    def _read_part(self):
        head = self._file.read(8)
        if not head:
            return None, None
        if len(head) < 8 or head[:4] != _MAGIC_BYTES:
            raise MXNetError(f"Invalid RecordIO File {self.uri!r}: no record starts at byte {self._file.tell() - len(head)}")
        word = _WORD.unpack(head[4:])[0]
        length = word & (_MAX_LENGTH - 1)
        data = self._file.read(length + (-length % 4))
        if len(data) < length:
            raise MXNetError(f"Invalid RecordIO File {self.uri!r}: the last record is cut short")
        return word >> _LENGTH_BITS, data[:length]

    def read(self):
        """The next record's bytes, or None after the last one."""
        assert not self.writable
        self._check_pid(allow_reset=False)
        flag, data = self._read_part()
        if flag is None or flag == 0:
            return data
        parts = [data]
        while flag != 3:
            flag, data = self._read_part()
            if flag not in (2, 3):
                raise MXNetError(f"Invalid RecordIO File {self.uri!r}: a multi-part record is not terminated")
            parts.append(data)
        return _MAGIC_BYTES.join(parts)

    def tell(self):
        """The byte offset the next record is written at (or read from)."""
        return self._file.tell()


class MXIndexedRecordIO(MXRecordIO):
    """A RecordIO file with an index file (``idx_path``) of ``key\\toffset`` lines, for
    random access: ``write_idx(key, buf)``, ``read_idx(key)``, ``seek(key)``, and ``keys``
    (in file order) converted by ``key_type``."""

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = idx_path
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)
        if not self.writable:
            for line in self.fidx:
                fields = line.strip().split("\t")
                if len(fields) < 2:
                    continue
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self):
        if not getattr(self, "is_open", False):
            return
        super().close()
        self.fidx.close()

    def __getstate__(self):
        state = super().__getstate__()
        state["fidx"] = None
        return state

    def seek(self, idx):
        """Puts the read position at record ``idx``."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        self._file.seek(self.idx[idx])

    def read_idx(self, idx):
        """The record stored under key ``idx``."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx, buf):
        """Appends ``buf`` as a record stored under key ``idx``."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write("%s\t%d\n" % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """A record's header: ``flag`` (0, or the number of float32 labels that follow
the header), ``label`` (a number, or an array of labels), ``id`` and ``id2`` (unsigned 64-bit
ids)."""

_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """``header`` (an ``IRHeader`` or 4-tuple) and the bytes ``s`` as one record payload.  A
    number label goes in the header (flag 0); an array label goes after it as float32 values,
    with flag = its size and label 0."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s):
    """(``IRHeader``, payload bytes) of a record made by ``pack``; an array label comes back
    as a float32 array."""
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _codec():
    try:
        import cv2
        return cv2
    except ImportError:
        pass
    try:
        import PIL.Image  # noqa: F401
        return None
    except ImportError:
        raise ImportError("mx.recordio.pack_img/unpack_img need OpenCV (pip install opencv-python-headless) "
                          "or Pillow (pip install Pillow)") from None


def unpack_img(s, iscolor=-1):
    """(``IRHeader``, image as a uint8 numpy array) of a record made by ``pack_img``.
    ``iscolor``: OpenCV's imdecode flag (-1 as stored, 0 grayscale, 1 three-channel BGR)."""
    header, s = unpack(s)
    cv2 = _codec()
    if cv2 is not None:
        return header, cv2.imdecode(np.frombuffer(s, dtype=np.uint8), iscolor)
    import io
    import PIL.Image
    image = PIL.Image.open(io.BytesIO(s))
    if iscolor == 0:
        image = image.convert("L")
    elif iscolor > 0 or image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")
    img = np.asarray(image)
    return header, (img[..., [2, 1, 0, 3][:img.shape[2]]] if img.ndim == 3 else img)


def pack_img(header, img, quality=95, img_fmt=".jpg"):
    """``pack`` of ``img`` (uint8, HxW or HxWxC in BGR order) encoded as ``img_fmt`` (``.jpg``
    with JPEG ``quality`` 1-100, or ``.png`` with compression level ``quality``, clamped to 0-9
    as OpenCV does, so the default 95 means 9)."""
    fmt = img_fmt.upper()
    cv2 = _codec()
    if cv2 is not None:
        params = ([cv2.IMWRITE_JPEG_QUALITY, quality] if fmt in (".JPG", ".JPEG") else
                  [cv2.IMWRITE_PNG_COMPRESSION, quality] if fmt == ".PNG" else None)
        ok, buf = cv2.imencode(img_fmt, img, params)
        assert ok, "failed to encode image"
        return pack(header, buf.tobytes())
    import io
    import PIL.Image
    img = np.asarray(img)
    if img.ndim == 3:
        img = img[..., [2, 1, 0, 3][:img.shape[2]]]
    out = io.BytesIO()
    if fmt in (".JPG", ".JPEG"):
        PIL.Image.fromarray(img).save(out, format="JPEG", quality=quality)
    elif fmt == ".PNG":
        PIL.Image.fromarray(img).save(out, format="PNG", compress_level=min(max(int(quality), 0), 9))  # OpenCV clamps to 0-9
    else:
        PIL.Image.fromarray(img).save(out, format=fmt.lstrip("."))
    return pack(header, out.getvalue())
