"""Draw the example releases' images (flat illustrations) with Pillow.

Run from the repository root: ``python tools/make_example_images.py``. The output is committed;
rerun only to change the pictures. Each file stays under 300 KB and main images are 1200×630
(the size social networks show best). The alt texts in the releases describe these drawings.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 630
OUT = Path("content/prensa/2026")


def sky(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        t = y / H
        d.line(
            [(0, y), (W, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return img


def hills(d: ImageDraw.ImageDraw, base: int, color: tuple[int, int, int], seed: int) -> None:
    rnd = random.Random(seed)
    points = [(0, H)]
    for x in range(0, W + 100, 100):
        points.append((x, base + rnd.randint(-40, 40)))
    points.append((W, H))
    d.polygon(points, fill=color)


def sun(d: ImageDraw.ImageDraw, x: int, y: int, r: int = 60, color=(255, 214, 102)) -> None:
    d.ellipse([x - r, y - r, x + r, y + r], fill=color)


def tree(d: ImageDraw.ImageDraw, x: int, y: int, s: float = 1.0) -> None:
    d.rectangle([x - 6 * s, y - 40 * s, x + 6 * s, y], fill=(101, 67, 33))
    d.ellipse([x - 35 * s, y - 110 * s, x + 35 * s, y - 30 * s], fill=(46, 125, 50))


def building(
    d: ImageDraw.ImageDraw,
    x: int,
    y: int,
    w: int,
    h: int,
    color,
    windows=(255, 249, 196),
) -> None:
    d.rectangle([x, y - h, x + w, y], fill=color)
    for wx in range(x + 20, x + w - 30, 50):
        for wy in range(y - h + 20, y - 40, 50):
            d.rectangle([wx, wy, wx + 25, wy + 25], fill=windows)


def person(d: ImageDraw.ImageDraw, x: int, y: int, color) -> None:
    d.ellipse([x - 12, y - 90, x + 12, y - 66], fill=color)
    d.rounded_rectangle([x - 18, y - 64, x + 18, y], radius=10, fill=color)


def save(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = img.filter(ImageFilter.SMOOTH)
    if path.suffix == ".png":
        img.quantize(64).save(path, optimize=True)
    else:
        img.save(path, quality=82, optimize=True, progressive=True)
    assert path.stat().st_size < 300_000, path


def consejo() -> Image.Image:  # town hall meeting
    img = sky((224, 242, 241), (178, 223, 219))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 420, W, H], fill=(121, 85, 72))
    d.rounded_rectangle([200, 360, 1000, 430], radius=20, fill=(93, 64, 55))
    for i, x in enumerate(range(260, 1000, 110)):
        person(d, x, 360, [(0, 105, 92), (230, 81, 0), (57, 73, 171)][i % 3])
    d.rectangle([480, 80, 720, 220], fill=(255, 255, 255), outline=(38, 50, 56), width=6)
    d.line([(510, 190), (560, 150), (610, 170), (690, 110)], fill=(230, 81, 0), width=8)
    return img


def vacunacion() -> Image.Image:  # health post with a queue
    img = sky((187, 222, 251), (227, 242, 253))
    d = ImageDraw.Draw(img)
    hills(d, 470, (129, 199, 132), 1)
    building(d, 650, 480, 420, 280, (250, 250, 250), windows=(144, 202, 249))
    d.rectangle([835, 230, 885, 330], fill=(211, 47, 47))
    d.rectangle([810, 255, 910, 305], fill=(211, 47, 47))
    for i, x in enumerate(range(120, 620, 90)):
        person(
            d,
            x,
            520,
            [(0, 121, 107), (245, 124, 0), (94, 53, 177), (194, 24, 91)][i % 4],
        )
    return img


def biblioteca() -> Image.Image:  # bookshelves
    img = Image.new("RGB", (W, H), (255, 243, 224))
    d = ImageDraw.Draw(img)
    rnd = random.Random(3)
    for shelf_y in (200, 380, 560):
        d.rectangle([80, shelf_y, 1120, shelf_y + 18], fill=(121, 85, 72))
        x = 100
        while x < 1090:
            w, h = rnd.randint(22, 45), rnd.randint(100, 150)
            d.rectangle(
                [x, shelf_y - h, x + w, shelf_y],
                fill=rnd.choice(
                    [
                        (198, 40, 40),
                        (21, 101, 192),
                        (46, 125, 50),
                        (249, 168, 37),
                        (106, 27, 154),
                        (0, 131, 143),
                    ]
                ),
            )
            x += w + 4
    return img


def arboles() -> Image.Image:  # saplings along the river bank
    img = sky((255, 224, 178), (255, 248, 225))
    d = ImageDraw.Draw(img)
    sun(d, 980, 130)
    hills(d, 380, (104, 159, 56), 4)
    d.polygon([(0, 560), (W, 500), (W, H), (0, H)], fill=(79, 195, 247))
    for x in range(90, 1150, 120):
        tree(d, x, 470 + (x % 3) * 10, 0.6 + (x % 5) / 10)
    return img


def puente() -> Image.Image:  # bridge over the river
    img = sky((144, 202, 249), (225, 245, 254))
    d = ImageDraw.Draw(img)
    hills(d, 360, (139, 195, 74), 5)
    d.rectangle([0, 470, W, H], fill=(41, 182, 246))
    d.rectangle([0, 380, W, 410], fill=(120, 144, 156))
    for x in range(150, W, 300):
        d.rectangle([x - 15, 410, x + 15, 560], fill=(96, 125, 139))
    for x in range(0, W, 40):
        d.line([(x, 350), (x, 380)], fill=(69, 90, 100), width=5)
    d.line([(0, 350), (W, 350)], fill=(69, 90, 100), width=6)
    d.polygon([(420, 300), (480, 300), (500, 380), (400, 380)], fill=(255, 160, 0))
    return img


def festival(variant: int) -> Image.Image:  # stage, dancers, crowd
    img = sky((26, 35, 126), (123, 31, 162))
    d = ImageDraw.Draw(img)
    rnd = random.Random(10 + variant)
    for _ in range(40):
        x, y = rnd.randint(0, W), rnd.randint(0, 250)
        d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(255, 241, 118))
    for x in range(0, W, 60):
        d.polygon(
            [(x, 40), (x + 60, 40), (x + 30, 90)],
            fill=[(244, 67, 54), (255, 235, 59), (76, 175, 80)][(x // 60) % 3],
        )
    if variant == 0:
        d.rectangle([250, 330, 950, 420], fill=(78, 52, 46))
        for x in (400, 600, 800):
            person(d, x, 330, (255, 213, 79))
    elif variant == 1:
        for x in range(150, 1100, 160):
            d.ellipse([x - 60, 420, x + 60, 520], fill=(233, 30, 99))
            person(d, x, 460, (255, 224, 178))
    for x in range(30, W, 45):
        d.ellipse([x - 22, 540 - (x % 7) * 3, x + 22, 600], fill=(33, 33, 33))
    return img


def cine() -> Image.Image:  # open-air screening
    img = sky((13, 71, 161), (63, 81, 181))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 470, W, H], fill=(56, 142, 60))
    d.rectangle([330, 90, 870, 390], fill=(245, 245, 245))
    d.rectangle([590, 390, 610, 480], fill=(97, 97, 97))
    d.ellipse([520, 170, 680, 330], fill=(255, 241, 118))
    for x in range(60, W, 70):
        person(d, x, 630, (38, 50, 56))
    return img


def vias(variant: int) -> Image.Image:  # rural road in the rain
    img = sky((120, 144, 156), (176, 190, 197))
    d = ImageDraw.Draw(img)
    hills(d, 330, (85, 139, 47), 7 + variant)
    d.polygon([(520, 330), (680, 330), (1000, H), (200, H)], fill=(141, 110, 99))
    if variant == 1:
        d.polygon([(560, 420), (760, 440), (720, 520), (520, 500)], fill=(93, 64, 55))
        d.rounded_rectangle([760, 440, 940, 540], radius=15, fill=(255, 193, 7))
    rnd = random.Random(20 + variant)
    for _ in range(220):
        x, y = rnd.randint(0, W), rnd.randint(0, H)
        d.line([(x, y), (x - 8, y + 24)], fill=(227, 242, 253), width=2)
    return img


def becas() -> Image.Image:  # students with a graduation cap
    img = sky((255, 236, 179), (255, 224, 130))
    d = ImageDraw.Draw(img)
    building(d, 150, 500, 900, 300, (239, 83, 80))
    d.rectangle([0, 500, W, H], fill=(158, 158, 158))
    for i, x in enumerate(range(260, 1000, 160)):
        person(d, x, 600, [(25, 118, 210), (56, 142, 60), (123, 31, 162)][i % 3])
    d.polygon([(560, 120), (680, 80), (800, 120), (680, 160)], fill=(33, 33, 33))
    return img


def mercado() -> Image.Image:  # farmers' market stalls
    img = sky((179, 229, 252), (225, 245, 254))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 430, W, H], fill=(215, 204, 200))
    colors = [(229, 57, 53), (67, 160, 71), (251, 192, 45), (30, 136, 229)]
    for i, x in enumerate(range(60, W - 200, 280)):
        d.polygon(
            [(x, 260), (x + 240, 260), (x + 260, 320), (x - 20, 320)],
            fill=colors[i % 4],
        )
        d.rectangle([x, 320, x + 240, 440], fill=(161, 136, 127))
        for fx in range(x + 20, x + 230, 45):
            d.ellipse([fx, 330, fx + 35, 365], fill=colors[(i + 1) % 4])
    return img


def hospital() -> Image.Image:  # new hospital building
    img = sky((178, 235, 242), (224, 247, 250))
    d = ImageDraw.Draw(img)
    hills(d, 480, (102, 187, 106), 9)
    building(d, 250, 520, 700, 380, (236, 239, 241), windows=(129, 212, 250))
    d.rectangle([575, 160, 625, 260], fill=(0, 150, 136))
    d.rectangle([550, 185, 650, 235], fill=(0, 150, 136))
    return img


def main() -> None:
    images = {
        "01/plan-de-obras.jpg": consejo(),
        "02/vacunacion-barrios-veredas.jpg": vacunacion(),
        "03/biblioteca-horario-extendido.jpg": biblioteca(),
        "04/siembra-arboles-ribera.jpg": arboles(),
        "05/reparacion-puente-la-esperanza.jpg": puente(),
        "06/festival-del-rio-tarima.jpg": festival(0),
        "06/festival-del-rio-danza.jpg": festival(1),
        "06/festival-del-rio-publico.jpg": festival(2),
        "07/mercado-campesino.jpg": mercado(),
        "08/cine-al-parque.jpg": cine(),
        "09/becas-educacion-superior.jpg": becas(),
        "10/rendicion-de-cuentas.jpg": consejo(),
        "11/vias-rurales.jpg": vias(0),
        "11/vias-rurales-derrumbe.jpg": vias(1),
        "11/nueva-sede-hospital.jpg": hospital(),
    }
    for name, img in images.items():
        save(img, OUT / name)
        print(OUT / name, (OUT / name).stat().st_size)


if __name__ == "__main__":
    main()
