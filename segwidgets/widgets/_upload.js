// File upload that checks the size before sending and streams the file in chunks, so a
// file over the limit gets a clear message instead of a silently dropped websocket.

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";
  const button = document.createElement("button");
  button.className = "sw-upload-button jupyter-widgets jupyter-button widget-button";
  let busy = false;

  const sync = () => {
    input.accept = model.get("accept");
    if (!busy) button.textContent = model.get("label");
    button.disabled = busy || model.get("disabled");
  };
  sync();
  model.on("change:label", sync);
  model.on("change:accept", sync);
  model.on("change:disabled", sync);

  button.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    if (file.size > model.get("max_bytes")) {
      model.send({ type: "too_large", name: file.name, size: file.size });
      return;
    }
    busy = true;
    sync();
    const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const step = model.get("chunk_bytes");
    try {
      model.send({ type: "start", id, name: file.name, size: file.size });
      for (let offset = 0; offset < file.size; offset += step) {
        const buffer = await file.slice(offset, offset + step).arrayBuffer();
        model.send({ type: "chunk", id, offset }, undefined, [buffer]);
        const done = Math.min(100, Math.round((100 * (offset + step)) / file.size));
        button.textContent = `Uploading ${done}%`;
      }
      model.send({ type: "end", id });
    } catch (error) {
      model.send({ type: "failed", id, name: file.name, reason: String(error) });
    } finally {
      busy = false;
      sync();
    }
  });
  el.append(button, input);
}

export default { render };
