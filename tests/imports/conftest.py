import pytest


@pytest.fixture
def image_server(tmp_path, settings):
    """A real HTTP server on loopback with one good image and two that must be refused.

    Loopback is not a public address: the importer is told to fetch from private ones too, as a
    newsroom whose images sit on its own network would.
    """
    settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES = True
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from PIL import Image

    Image.new("RGB", (1200, 800), (30, 90, 140)).save(tmp_path / "harbour.jpg")
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (tmp_path / "page.jpg").write_text("<html>not an image</html>")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
