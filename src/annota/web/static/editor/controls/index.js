// Every built-in control type; image, audio and video tools add their modules here.
import "./choices.js";
import "./taxonomy.js";
import "./answers.js";
import "./spans.js";
import "./image_panels.js";
import "./timeline_panels.js";
import "./video_panels.js";
