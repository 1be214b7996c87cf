// Record the officer reading a script with the phone's or PC's microphone (MediaRecorder),
// let her listen back and record again, then send the take to the station. Browsers give the
// microphone only to secure pages (HTTPS or localhost); elsewhere the upload form still works.
(function () {
  const box = document.getElementById("recorder");
  if (!box || !navigator.mediaDevices || !window.MediaRecorder) return;
  box.hidden = false;
  const start = document.getElementById("record-start");
  const stop = document.getElementById("record-stop");
  const save = document.getElementById("record-save");
  const state = document.getElementById("record-state");
  const take = document.getElementById("record-take");
  let recorder = null, chunks = [], blob = null;

  start.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      state.textContent = "Không mở được micrô: cho phép trình duyệt dùng micrô (trang phải mở bằng https).";
      return;
    }
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      take.src = URL.createObjectURL(blob);
      take.hidden = false;
      save.disabled = false;
      start.disabled = false;
      start.textContent = "Ghi lại";
      state.textContent = "Đã ghi. Nghe lại, rồi Lưu bản ghi hoặc Ghi lại.";
    };
    recorder.start(250);
    start.disabled = true;
    stop.disabled = false;
    save.disabled = true;
    state.textContent = "Đang ghi âm…";
  });

  stop.addEventListener("click", () => {
    if (recorder && recorder.state !== "inactive") recorder.stop();
    stop.disabled = true;
  });

  save.addEventListener("click", async () => {
    if (!blob) return;
    save.disabled = true;
    state.textContent = "Đang gửi…";
    const form = new FormData();
    form.append("csrf", box.dataset.csrf);
    const ext = blob.type.includes("ogg") ? "ogg" : blob.type.includes("mp4") ? "m4a" : "webm";
    form.append("audio", blob, "ghi-am." + ext);
    const reply = await fetch(box.dataset.action, { method: "POST", body: form });
    if (reply.ok) {
      window.location.href = reply.url;
    } else {
      const page = new DOMParser().parseFromString(await reply.text(), "text/html");
      const why = page.querySelector("main") ? page.querySelector("main").innerText : "";
      state.textContent = "Không lưu được: " + why.trim();
      save.disabled = false;
    }
  });
})();

// The file picker's own words are the browser's (often English): show the chosen name ourselves.
(function () {
  const input = document.getElementById("record-file");
  const name = document.getElementById("record-file-name");
  if (!input || !name) return;
  input.addEventListener("change", () => {
    name.textContent = input.files.length ? input.files[0].name : "Chưa chọn tệp";
  });
})();
