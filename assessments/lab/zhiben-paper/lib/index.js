// zhiben-paper: the project's JupyterLab plugins (see README.md).
import { activityHeartbeat } from "./activity";
import { handInButton } from "./handin";
import { openReady } from "./ready";
import { validateText } from "./validate";

export default [openReady, validateText, handInButton, activityHeartbeat];
