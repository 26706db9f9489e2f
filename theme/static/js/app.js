// Entry point: wires the modules the current page needs.
import { initExpand } from "./expand.js";
import { initCopy } from "./copy.js";
import { initFollowButtons } from "./radar.js";
import { initRatingButtons } from "./ratings.js";
import { typeset } from "./math.js";

initExpand(document);
initCopy(document);
initFollowButtons(document);
initRatingButtons(document);
typeset(document.body);

if (document.getElementById("pool")) import("./home.js").then((m) => m.initHome());
if (document.getElementById("radar")) import("./radar-page.js").then((m) => m.initRadarPage());
if (document.getElementById("search")) import("./search.js").then((m) => m.initSearch());
