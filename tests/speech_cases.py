"""The reading table: input | what the listener must hear.

Drawn from the 2020 Phú Hữu plan (shared/seed) and real ward notices; every line was
checked by hand against the house style in broadcaster/speech/reader.py.
"""

FORMAL = r"""
0 | không.
1 | một.
5 | năm.
9 | chín.
10 | mười.
11 | mười một.
14 | mười bốn.
15 | mười lăm.
19 | mười chín.
20 | hai mươi.
21 | hai mươi mốt.
24 | hai mươi tư.
25 | hai mươi lăm.
30 | ba mươi.
44 | bốn mươi tư.
45 | bốn mươi lăm.
55 | năm mươi lăm.
71 | bảy mươi mốt.
99 | chín mươi chín.
100 | một trăm.
101 | một trăm linh một.
104 | một trăm linh bốn.
105 | một trăm linh năm.
110 | một trăm mười.
115 | một trăm mười lăm.
121 | một trăm hai mươi mốt.
200 | hai trăm.
210 | hai trăm mười.
999 | chín trăm chín mươi chín.
1000 | một nghìn.
1.000 | một nghìn.
1.001 | một nghìn không trăm linh một.
1.005 | một nghìn không trăm linh năm.
1.010 | một nghìn không trăm mười.
1.100 | một nghìn một trăm.
1.250 | một nghìn hai trăm năm mươi.
2020 | hai nghìn không trăm hai mươi.
2016 | hai nghìn không trăm mười sáu.
2011 | hai nghìn không trăm mười một.
2025 | hai nghìn không trăm hai mươi lăm.
2000 | hai nghìn.
10.000 | mười nghìn.
12.345 | mười hai nghìn ba trăm bốn mươi lăm.
100.000 | một trăm nghìn.
105.000 | một trăm linh năm nghìn.
1.250.000 | một triệu hai trăm năm mươi nghìn.
2.000.000 | hai triệu.
1.000.005 | một triệu không trăm linh năm.
10.500.000 | mười triệu năm trăm nghìn.
1.000.000.000 | một tỷ.
2.500.000.000 | hai tỷ năm trăm triệu.
1.000.000.000.000 | một nghìn tỷ.
05 ngày | năm ngày.
07 ngày làm việc | bảy ngày làm việc.
03 bản | ba bản.
85,6 | tám mươi lăm phẩy sáu.
1,5 | một phẩy năm.
0,05 | không phẩy không năm.
3,14 | ba phẩy mười bốn.
98,5% | chín mươi tám phẩy năm phần trăm.
100% | một trăm phần trăm.
15% | mười lăm phần trăm.
30% | ba mươi phần trăm.
0,5% | không phẩy năm phần trăm.
trên 95% | trên chín mươi lăm phần trăm.
đạt 98% trở lên | đạt chín mươi tám phần trăm trở lên.
thứ 1 | thứ nhất.
thứ 2 | thứ hai.
thứ 4 | thứ tư.
thứ 10 | thứ mười.
lần thứ 2 | lần thứ hai.
lần thứ 3 | lần thứ ba.
hạng thứ 1 | hạng thứ nhất.
23/04/2020 | ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi.
23/4/2020 | ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi.
23-04-2020 | ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi.
1/7/2025 | ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm.
01/01/2021 | ngày một tháng một năm hai nghìn không trăm hai mươi mốt.
31/12/2020 | ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi.
ngày 23/04/2020 | ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi.
ngày 10 tháng 4 năm 2020 | ngày mười tháng tư năm hai nghìn không trăm hai mươi.
ngày 09 tháng 4 năm 2020 | ngày chín tháng tư năm hai nghìn không trăm hai mươi.
tháng 4/2020 | tháng tư năm hai nghìn không trăm hai mươi.
tháng 12/2019 | tháng mười hai năm hai nghìn không trăm mười chín.
trong tháng 4 | trong tháng tư.
tháng 1 | tháng một.
hạn chót 30/6 | hạn chót ngày ba mươi tháng sáu.
ngày 30/6 | ngày ba mươi tháng sáu.
trước 15/8 | trước ngày mười lăm tháng tám.
Quý II/2020 | Quý hai năm hai nghìn không trăm hai mươi.
Quý I | Quý một.
quý IV/2021 | quý bốn năm hai nghìn không trăm hai mươi mốt.
quý 3/2020 | quý ba năm hai nghìn không trăm hai mươi.
06:10 | sáu giờ mười phút.
06:10 SA | sáu giờ mười phút sáng.
06:10 CH | sáu giờ mười phút chiều.
17:30 | mười bảy giờ ba mươi phút.
7:05 | bảy giờ năm phút.
12:00 | mười hai giờ.
6h30 | sáu giờ ba mươi phút.
17h | mười bảy giờ.
7h30 | bảy giờ ba mươi phút.
11h30 | mười một giờ ba mươi phút.
13h00 | mười ba giờ.
6g30 | sáu giờ ba mươi phút.
từ 7h30 đến 11h30 | từ bảy giờ ba mươi phút đến mười một giờ ba mươi phút.
từ 13h đến 17h | từ mười ba giờ đến mười bảy giờ.
giai đoạn 2016 - 2020 | giai đoạn từ hai nghìn không trăm mười sáu đến hai nghìn không trăm hai mươi.
giai đoạn 2011-2020 | giai đoạn từ hai nghìn không trăm mười một đến hai nghìn không trăm hai mươi.
2017 - 2020 | từ hai nghìn không trăm mười bảy đến hai nghìn không trăm hai mươi.
Bước 1–6 | Bước từ một đến sáu.
15 - 20% | từ mười lăm đến hai mươi phần trăm.
từ 5 - 7 ngày | từ năm đến bảy ngày.
lần thứ X | lần thứ mười.
lần thứ XI | lần thứ mười một.
Mục II | Mục hai.
Phần III | Phần ba.
khóa XV | khóa mười lăm.
Khóa XIV | Khóa mười bốn.
thế kỷ XXI | thế kỷ hai mươi mốt.
Quý III | Quý ba.
thứ IV | thứ tư.
Chương V | Chương năm.
Đại hội XIII | Đại hội mười ba.
loại I | loại một.
hạng II | hạng hai.
cấp III | cấp ba.
I. MỤC TIÊU, YÊU CẦU | một. mục tiêu, yêu cầu.
II. NỘI DUNG | hai. nội dung.
III. TỔ CHỨC THỰC HIỆN | ba. tổ chức thực hiện.
CCHC | cải cách hành chính.
TTHC | thủ tục hành chính.
UBND | Ủy ban nhân dân.
HĐND | Hội đồng nhân dân.
MTTQ | Mặt trận Tổ quốc.
VHTT | văn hóa thông tin.
CBCC | cán bộ, công chức.
CCVC | công chức, viên chức.
TP.HCM | Thành phố Hồ Chí Minh.
TP. Thủ Đức | thành phố Thủ Đức.
BHYT | bảo hiểm y tế.
BHXH | bảo hiểm xã hội.
CCCD | căn cước công dân.
DVC | dịch vụ công.
THCS | trung học cơ sở.
THPT | trung học phổ thông.
PCCC | phòng cháy chữa cháy.
ATGT | an toàn giao thông.
UBND phường | Ủy ban nhân dân phường.
cán bộ CCHC | cán bộ cải cách hành chính.
thẻ BHYT | thẻ bảo hiểm y tế.
Kế hoạch số 137/KH-UBND | Kế hoạch số một trăm ba mươi bảy của Ủy ban nhân dân.
Kế hoạch số 45/KH-UBND | Kế hoạch số bốn mươi lăm của Ủy ban nhân dân.
Nghị quyết 36a/NQ-CP | Nghị quyết ba mươi sáu a của Chính phủ.
Nghị quyết 30c/NQ-CP | Nghị quyết ba mươi xê của Chính phủ.
Nghị định 30/2020/NĐ-CP | Nghị định ba mươi năm hai nghìn không trăm hai mươi của Chính phủ.
Nghị định 61/2018/NĐ-CP | Nghị định sáu mươi mốt năm hai nghìn không trăm mười tám của Chính phủ.
Chỉ thị 24/CT-TTg | Chỉ thị hai mươi tư của Thủ tướng Chính phủ.
Quyết định 45/2016/QĐ-TTg | Quyết định bốn mươi lăm năm hai nghìn không trăm mười sáu của Thủ tướng Chính phủ.
Quyết định số 1291/QĐ-BTTTT | Quyết định số một nghìn hai trăm chín mươi mốt của Bộ Thông tin và Truyền thông.
Thông tư 01/2011/TT-BNV | Thông tư một năm hai nghìn không trăm mười một của Bộ Nội vụ.
Công văn 56/UBND-VX | Công văn năm mươi sáu của Ủy ban nhân dân văn xã.
số 137/KH-UBND | số một trăm ba mươi bảy kế hoạch của Ủy ban nhân dân.
50.000đ | năm mươi nghìn đồng.
50.000 đồng | năm mươi nghìn đồng.
50.000 đồng/hồ sơ | năm mươi nghìn đồng mỗi hồ sơ.
1,2 tỷ đồng | một phẩy hai tỷ đồng.
500 triệu đồng | năm trăm triệu đồng.
120 m² | một trăm hai mươi mét vuông.
120 m2 | một trăm hai mươi mét vuông.
15 km | mười lăm ki lô mét.
2,5 ha | hai phẩy năm héc ta.
100 kg | một trăm ki lô gam.
0912345678 | không chín một hai, ba bốn năm, sáu bảy tám.
0283 123 4567 | không hai tám ba, một hai ba, bốn năm sáu bảy.
Gọi 0283 123 4567. | Gọi không hai tám ba, một hai ba, bốn năm sáu bảy.
Liên hệ 0912345678, để biết thêm. | Liên hệ không chín một hai, ba bốn năm, sáu bảy tám, để biết thêm.
Số (028) 3896 1234. | Số không hai tám, ba tám chín sáu, một hai ba bốn.
Điện thoại: 0909.123.456. | Điện thoại, không chín không chín, một hai ba, bốn năm sáu.
Mọi ý kiến xin gọi số 0283 896 1234, hoặc 0912 345 678. | Mọi ý kiến xin gọi số không hai tám ba, tám chín sáu, một hai ba bốn, hoặc không chín một hai, ba bốn năm, sáu bảy tám.
Đường dây nóng: (028) 3896 1234. | Đường dây nóng, không hai tám, ba tám chín sáu, một hai ba bốn.
Giá 1.000,5 đồng. | Giá một nghìn phẩy năm đồng.
Phường đạt 10/10 chỉ tiêu. | Phường đạt mười trên mười chỉ tiêu.
Có 1/3 số hộ đã đăng ký. | Có một phần ba số hộ đã đăng ký.
1/2 số hồ sơ. | một phần hai số hồ sơ.
Hoàn thành 5/7 chỉ tiêu. | Hoàn thành năm trên bảy chỉ tiêu.
Phục vụ 24/7. | Phục vụ hai mươi tư trên bảy.
Trực 24/24 giờ. | Trực hai mươi tư trên hai mươi tư giờ.
Đạt 18/19 tiêu chí. | Đạt mười tám trên mười chín tiêu chí.
Xếp thứ 8/63 tỉnh thành. | Xếp thứ tám trên sáu mươi ba tỉnh thành.
Số nhà 45/12 đường Lò Lu. | Số nhà bốn mươi lăm trên mười hai đường Lò Lu.
số 12/3 đường Lò Lu | số mười hai trên ba đường Lò Lu.
Ngày 5/7 họp. | Ngày năm tháng bảy họp.
Hạn chót 30/6. | Hạn chót ngày ba mươi tháng sáu.
năm 2020/2021 | năm hai nghìn không trăm hai mươi, hai nghìn không trăm hai mươi mốt.
0909.123.456 | không chín không chín, một hai ba, bốn năm sáu.
1900 1234 | một chín không không, một hai ba bốn.
vhtttt.q9@tphcm.gov.vn | vê hát tê tê tê tê chấm quy chín a còng thành phố Hồ Chí Minh chấm gov chấm vê en.
ubnd.phuhuu@tphcm.gov.vn | u bê en dê chấm pê hát u hát u u a còng thành phố Hồ Chí Minh chấm gov chấm vê en.
https://dichvucong.gov.vn | dịch vụ công chấm gov chấm vê en.
www.hochiminhcity.gov.vn | vê kép vê kép vê kép chấm hồ chí minh xi ti chấm gov chấm vê en.
dichvucong.gov.vn | dịch vụ công chấm gov chấm vê en.
hoà bình | hòa bình.
khoẻ mạnh | khỏe mạnh.
thuỷ lợi | thủy lợi.
tuỳ theo | tùy theo.
quý khách | quý khách.
hoàn thành | hoàn thành.
người dân | người dân.
Kinh tế - xã hội | Kinh tế xã hội.
công nghiệp hóa - hiện đại hóa | công nghiệp hóa hiện đại hóa.
pa - nô, băng - rôn | pa nô, băng rôn.
“Năm đẩy mạnh hoạt động văn hóa” | Năm đẩy mạnh hoạt động văn hóa.
(trong giờ hành chính) | trong giờ hành chính.
• Nộp hồ sơ trực tuyến | Nộp hồ sơ trực tuyến.
a) Tập trung | a, Tập trung.
đ) Tuyên truyền | đ, Tuyên truyền.
Xin chào! | Xin chào!
Bà con đã biết chưa? | Bà con đã biết chưa?
Hệ thống … đang chạy | Hệ thống. đang chạy.
ABCD | a bê xê dê.
XYZ | ích i dét.
Quận 9 | Quận chín.
Phường 12 | Phường mười hai.
năm 2020 | năm hai nghìn không trăm hai mươi.
Năm 2021 | Năm hai nghìn không trăm hai mươi mốt.
Thứ năm, 23/04/2020, 06:10 SA | Thứ năm, ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi, sáu giờ mười phút sáng.
Căn cứ Kế hoạch số 137/KH-UBND ngày 10 tháng 4 năm 2020 của Ủy ban nhân dân Quận 9 | Căn cứ Kế hoạch số một trăm ba mươi bảy ngày mười tháng tư năm hai nghìn không trăm hai mươi của Ủy ban nhân dân Quận chín.
Tỷ lệ khi giải quyết TTHC: trên 95%; | Tỷ lệ khi giải quyết thủ tục hành chính, trên chín mươi lăm phần trăm.
Lĩnh vực nhà đất đạt 98% trở lên. | Lĩnh vực nhà đất đạt chín mươi tám phần trăm trở lên.
Các lĩnh vực còn lại: đạt 100%; | Các lĩnh vực còn lại, đạt một trăm phần trăm.
Hồ sơ giải quyết trực tuyến trên tổng số hồ sơ giải quyết TTHC: trên 30%. | Hồ sơ giải quyết trực tuyến trên tổng số hồ sơ giải quyết thủ tục hành chính, trên ba mươi phần trăm.
Tỷ lệ kết quả giải quyết thủ tục hành chính trả qua dịch vụ bưu chính công: 15%. | Tỷ lệ kết quả giải quyết thủ tục hành chính trả qua dịch vụ bưu chính công, mười lăm phần trăm.
dịch vụ công trực tuyến mức độ 3, mức độ 4 | dịch vụ công trực tuyến mức độ ba, mức độ bốn.
Chương trình cải cách hành chính giai đoạn 2016 - 2020 | Chương trình cải cách hành chính giai đoạn từ hai nghìn không trăm mười sáu đến hai nghìn không trăm hai mươi.
Nghị quyết Đại hội Đảng bộ thành phố lần thứ X | Nghị quyết Đại hội Đảng bộ thành phố lần thứ mười.
tầm nhìn đến năm 2025 | tầm nhìn đến năm hai nghìn không trăm hai mươi lăm.
Đề án giai đoạn 2017 - 2020, tầm nhìn đến năm 2025 | Đề án giai đoạn từ hai nghìn không trăm mười bảy đến hai nghìn không trăm hai mươi, tầm nhìn đến năm hai nghìn không trăm hai mươi lăm.
Số lượng lượt xem: 107 | Số lượng lượt xem, một trăm linh bảy.
Ủy ban nhân dân Quận 9 (thông qua Phòng Văn hóa và Thông tin) | Ủy ban nhân dân Quận chín, thông qua Phòng Văn hóa và Thông tin.
Định kỳ Quý, 6 tháng, 9 tháng, năm | Định kỳ Quý, sáu tháng, chín tháng, năm.
100% Bộ phận Tiếp nhận và trả kết quả | một trăm phần trăm Bộ phận Tiếp nhận và trả kết quả.
phấn đấu trên 30% | phấn đấu trên ba mươi phần trăm.
từ 40% trở lên | từ bốn mươi phần trăm trở lên.
cấp 3 | cấp ba.
lớp 12 | lớp mười hai.
tổ 5, khu phố 3 | tổ năm, khu phố ba.
số nhà 25 | số nhà hai mươi lăm.
giảm 2,5 lần | giảm hai phẩy năm lần.
tăng 12,5% | tăng mười hai phẩy năm phần trăm.
có 1.234 hồ sơ | có một nghìn hai trăm ba mươi tư hồ sơ.
có 15.000 người | có mười lăm nghìn người.
tiếp nhận 3.450 hồ sơ, giải quyết đúng hạn 3.402 hồ sơ | tiếp nhận ba nghìn bốn trăm năm mươi hồ sơ, giải quyết đúng hạn ba nghìn bốn trăm linh hai hồ sơ.
11.000 | mười một nghìn.
21.000 | hai mươi mốt nghìn.
101.000 | một trăm linh một nghìn.
1.000.001 | một triệu không trăm linh một.
1.001.000 | một triệu không trăm linh một nghìn.
3.000.021 | ba triệu không trăm hai mươi mốt.
15.500 | mười lăm nghìn năm trăm.
40.000 | bốn mươi nghìn.
250.000 | hai trăm năm mươi nghìn.
1.500.000 | một triệu năm trăm nghìn.
999.999 | chín trăm chín mươi chín nghìn chín trăm chín mươi chín.
7.000.000.000 | bảy tỷ.
12,5 | mười hai phẩy năm.
100,25 | một trăm phẩy hai mươi lăm.
1,05 | một phẩy không năm.
99,9% | chín mươi chín phẩy chín phần trăm.
3,5% | ba phẩy năm phần trăm.
ngày 02/9/1945 | ngày hai tháng chín năm một nghìn chín trăm bốn mươi lăm.
ngày 19/5 | ngày mười chín tháng năm.
Quốc khánh 2/9 | Quốc khánh ngày hai tháng chín.
ngày 30/4/1975 | ngày ba mươi tháng tư năm một nghìn chín trăm bảy mươi lăm.
ngày 1/5 | ngày một tháng năm.
tháng 9/2020 | tháng chín năm hai nghìn không trăm hai mươi.
tháng 10/2020 | tháng mười năm hai nghìn không trăm hai mươi.
tháng 11 | tháng mười một.
Quý IV/2020 | Quý bốn năm hai nghìn không trăm hai mươi.
quý 1/2021 | quý một năm hai nghìn không trăm hai mươi mốt.
05:30 | năm giờ ba mươi phút.
05:30 SA | năm giờ ba mươi phút sáng.
17:00 | mười bảy giờ.
21:30 | hai mươi mốt giờ ba mươi phút.
8h | tám giờ.
9h15 | chín giờ mười lăm phút.
14h30 | mười bốn giờ ba mươi phút.
từ 8h - 11h | từ tám giờ đến mười một giờ.
từ 05:30 - 06:30 | từ năm giờ ba mươi phút đến sáu giờ ba mươi phút.
trong 10 - 15 phút | trong mười đến mười lăm phút.
khoảng 200 - 300 người | khoảng hai trăm đến ba trăm người.
năm 2019 - 2020 | năm từ hai nghìn không trăm mười chín đến hai nghìn không trăm hai mươi.
từ năm 2016 đến năm 2020 | từ năm hai nghìn không trăm mười sáu đến năm hai nghìn không trăm hai mươi.
lần thứ nhất | lần thứ nhất.
lần thứ 5 | lần thứ năm.
thứ 7 | thứ bảy.
Thứ 6 | Thứ sáu.
Chủ nhật | Chủ nhật.
Đại hội lần thứ XIII | Đại hội lần thứ mười ba.
khóa XIV | khóa mười bốn.
Điều 5 | Điều năm.
khoản 2 Điều 3 | khoản hai Điều ba.
Luật số 54/2014/QH13 | Luật số năm mươi tư năm hai nghìn không trăm mười bốn của Quốc hội khóa mười ba.
Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 | Nghị định số bốn mươi lăm năm hai nghìn không trăm hai mươi của Chính phủ ngày tám tháng tư năm hai nghìn không trăm hai mươi.
Quyết định số 1255/QĐ-UBND | Quyết định số một nghìn hai trăm năm mươi lăm của Ủy ban nhân dân.
Kế hoạch 200/KH-UBND | Kế hoạch hai trăm của Ủy ban nhân dân.
Hướng dẫn 05/HD-BTTTT | Hướng dẫn năm của Bộ Thông tin và Truyền thông.
Thông báo 12/TB-UBND | Thông báo mười hai của Ủy ban nhân dân.
Chỉ thị 13/CT-UBND | Chỉ thị mười ba của Ủy ban nhân dân.
MTTQ phường | Mặt trận Tổ quốc phường.
Ủy ban MTTQ Việt Nam | Ủy ban Mặt trận Tổ quốc Việt Nam.
HĐND và UBND | Hội đồng nhân dân và Ủy ban nhân dân.
các cơ quan, đơn vị | các cơ quan, đơn vị.
HĐND-UBND | Hội đồng nhân dân Ủy ban nhân dân.
UBND-HĐND phường | Ủy ban nhân dân Hội đồng nhân dân phường.
Hội LHPN | Hội Liên hiệp Phụ nữ.
VNeID | vê en e i đê.
mã QR | mã quy a.
COVID-19 | cô vít mười chín.
Zalo | da lô.
email | thư điện tử.
online | trực tuyến.
Website | trang web.
giờ hành chính: 7h30 - 17h | giờ hành chính, từ bảy giờ ba mươi phút đến mười bảy giờ.
Tổng đài 1022 | Tổng đài một không hai hai.
số 0283.7300.000 | số không hai tám ba, bảy ba không không, không không không.
Gửi thư về ubnd@tphcm.gov.vn | Gửi thư về u bê en dê a còng thành phố Hồ Chí Minh chấm gov chấm vê en.
Truy cập www.dichvucong.gov.vn | Truy cập vê kép vê kép vê kép chấm dịch vụ công chấm gov chấm vê en.
Liên hệ: 0912 345 678 | Liên hệ, không chín một hai, ba bốn năm, sáu bảy tám.
10 & 20 | mười và hai mươi.
A + B | A cộng bê.
50 = 50 | năm mươi bằng năm mươi.
#3 | số ba.
~100 người | khoảng một trăm người.
"Ngày hội" | Ngày hội.
‘trích’ | trích.
«thông báo» | thông báo.
Xin chào. [nghỉ 1 giây] Hẹn gặp lại. | Xin chào. Hẹn gặp lại.
Khu phố 1, 2 và 3 | Khu phố một, hai và ba.
120 hộ gia đình | một trăm hai mươi hộ gia đình.
3 tuổi | ba tuổi.
6 tuổi | sáu tuổi.
65 tuổi trở lên | sáu mươi lăm tuổi trở lên.
18 - 25 tuổi | từ mười tám đến hai mươi lăm tuổi.
1.000.000 đồng | một triệu đồng.
200.000đ/tháng | hai trăm nghìn đồng mỗi tháng.
10 km/h | mười ki lô mét một giờ.
ngày 15 hằng tháng | ngày mười lăm hằng tháng.
mùng 1 Tết | mùng một Tết.
Tết Nguyên đán 2021 | Tết Nguyên đán hai nghìn không trăm hai mươi mốt.
Giá 350.000 VND | Giá ba trăm năm mươi nghìn đồng.
Hỗ trợ 6.500 USD | Hỗ trợ sáu nghìn năm trăm đô la Mỹ.
Lệ phí 10₫ | Lệ phí mười đồng.
Lệ phí 50.000 ₫ | Lệ phí năm mươi nghìn đồng.
$500 | năm trăm đô la.
US$ 20 | hai mươi đô la Mỹ.
1.200 $ | một nghìn hai trăm đô la.
20 € | hai mươi ơ rô.
€15 | mười lăm ơ rô.
100 EUR | một trăm ơ rô.
30.000 VNĐ | ba mươi nghìn đồng.
Đơn vị tính: VND | Đơn vị tính, đồng.
tỷ giá USD | tỷ giá đô la Mỹ.
2,5 triệu đồng | hai phẩy năm triệu đồng.
150.000đ | một trăm năm mươi nghìn đồng.
Điện 3.000 kWh | Điện ba nghìn ki lô oát giờ.
giá điện mỗi kWh | giá điện mỗi ki lô oát giờ.
100m3 nước | một trăm mét khối nước.
5 m³ | năm mét khối.
120 m2 | một trăm hai mươi mét vuông.
diện tích 45m² | diện tích bốn mươi lăm mét vuông.
3 km² | ba ki lô mét vuông.
điện áp 220V | điện áp hai trăm hai mươi vôn.
đường dây 22 kV | đường dây hai mươi hai ki lô vôn.
máy phát 3 kW | máy phát ba ki lô oát.
loa 100W | loa một trăm oát.
nhà máy 50 MW | nhà máy năm mươi mê ga oát.
tần số 50Hz | tần số năm mươi héc.
phát trên 99,5 MHz | phát trên chín mươi chín phẩy năm mê ga héc.
bộ nhớ 16GB | bộ nhớ mười sáu gi ga bai.
tệp 20 MB | tệp hai mươi mê ga bai.
500mg | năm trăm mi li gam.
uống 250ml | uống hai trăm năm mươi mi li lít.
5 l nước | năm lít nước.
10 kg gạo | mười ki lô gam gạo.
200 g | hai trăm gam.
1,5 ha | một phẩy năm héc ta.
12 ha lúa | mười hai héc ta lúa.
dài 3 km | dài ba ki lô mét.
cách 500 m | cách năm trăm mét.
rộng 20cm | rộng hai mươi xăng ti mét.
mưa 80 mm | mưa tám mươi mi li mét.
chạy 60 km/h | chạy sáu mươi ki lô mét một giờ.
gió 10 m/s | gió mười mét một giây.
nhiệt độ 35°C | nhiệt độ ba mươi lăm độ xê.
máy cày 5hp | máy cày năm mã lực.
Km 12+300 | ki lô mét mười hai cộng ba trăm.
tại Km 5 | tại ki lô mét năm.
Covid-19 | cô vít mười chín.
dịch Covid | dịch cô vít.
2.500.000 đồng/người/tháng | hai triệu năm trăm nghìn đồng mỗi người mỗi tháng.
lãi suất 7,5%/năm | lãi suất bảy phẩy năm phần trăm mỗi năm.
50.000đ/người | năm mươi nghìn đồng mỗi người.
10 kg/hộ | mười ki lô gam mỗi hộ.
5 lít/người/ngày | năm lít mỗi người mỗi ngày.
UBND P. Phú Hữu, Q.9 | Ủy ban nhân dân phường Phú Hữu, quận chín.
P. Phú Hữu | phường Phú Hữu.
Q. Thủ Đức | quận Thủ Đức.
Q.1 | quận một.
X. Tân Phú | xã Tân Phú.
H. Củ Chi | huyện Củ Chi.
TX. Thuận An | thị xã Thuận An.
TT. Củ Chi | thị trấn Củ Chi.
KP. 3 | khu phố ba.
KP 3 | khu phố ba.
Tp. Thủ Đức | thành phố Thủ Đức.
số 12 đường Lò Lu, P. Trường Thạnh | số mười hai đường Lò Lu, phường Trường Thạnh.
Phương án chọn là P. | Phương án chọn là pê.
Phụ lục II | Phụ lục hai.
Phụ lục IV kèm theo | Phụ lục bốn kèm theo.
khoản IV | khoản bốn.
Mục XII | Mục mười hai.
Chương IX | Chương chín.
Phần VI | Phần sáu.
Chương XCIX | Chương chín mươi chín.
Mục XL | Mục bốn mươi.
Phần LXX | Phần bảy mươi.
Mục CD | Mục bốn trăm.
thế kỉ XXI | thế kỉ hai mươi mốt.
thế kỷ XX | thế kỷ hai mươi.
Đại hội XIII | Đại hội mười ba.
Tiết III | Tiết ba.
Điều IV | Điều bốn.
đĩa CD | đĩa xê dê.
Vitamin C | Vitamin xê.
Chỉ thị số 05-CT/TW | Chỉ thị số năm của Trung ương.
Nghị quyết số 35-NQ/TW | Nghị quyết số ba mươi lăm của Trung ương.
Chỉ thị 05-CT/TU của Thành ủy | Chỉ thị năm của Thành ủy.
Kết luận số 01-KL/TW | Kết luận số một của Trung ương.
theo 09-CT/TU | theo chín chỉ thị của Thành ủy.
Quyết định số 1291/QĐ-UBND của UBND Quận 9 | Quyết định số một nghìn hai trăm chín mươi mốt của Ủy ban nhân dân Quận chín.
Kế hoạch 137/KH-UBND của Ủy ban nhân dân phường | Kế hoạch một trăm ba mươi bảy của Ủy ban nhân dân phường.
nhiệt độ -12,5 độ | nhiệt độ âm mười hai phẩy năm độ.
-5°C | âm năm độ xê.
lạnh -3 độ | lạnh âm ba độ.
lỗ (-20%) | lỗ, âm hai mươi phần trăm.
3kg-6kg | từ ba ki lô gam đến sáu ki lô gam.
50.000đ-100.000đ | từ năm mươi nghìn đồng đến một trăm nghìn đồng.
3-5 kg | từ ba đến năm ki lô gam.
từ 2-3 ha | từ hai đến ba héc ta.
2tr-3tr | từ hai triệu đến ba triệu.
10 - 15 m | từ mười đến mười lăm mét.
Năm học 2020-2021 | Năm học hai nghìn không trăm hai mươi, hai nghìn không trăm hai mươi mốt.
niên khóa 2019 - 2020 | niên khóa hai nghìn không trăm mười chín, hai nghìn không trăm hai mươi.
giai đoạn 2021-2025 | giai đoạn từ hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm.
1k | một nghìn.
giá 5k | giá năm nghìn.
20K | hai mươi nghìn.
2tr5 | hai triệu năm trăm nghìn.
1tr2 | một triệu hai trăm nghìn.
lương 7tr | lương bảy triệu.
3k5 | ba nghìn năm trăm.
3p20s | ba phút hai mươi giây.
chờ 15p | chờ mười lăm phút.
30s quảng cáo | ba mươi giây quảng cáo.
5hp | năm mã lực.
Chỉ số PAR INDEX | Chỉ số cải cách hành chính.
PAR INDEX | chỉ số cải cách hành chính.
1/2 số hồ sơ | một phần hai số hồ sơ.
3/4 số hộ | ba phần tư số hộ.
họp lúc 5/7 | họp lúc ngày năm tháng bảy.
giảm 1/2 | giảm một phần hai.
1/2 | một phần hai.
2/3 | hai phần ba.
5 1/2 | năm và một phần hai.
-3/4 | âm ba phần tư.
1/2kg đường | một phần hai ki lô gam đường.
Chào mừng Quốc khánh 2/9 | Chào mừng Quốc khánh ngày hai tháng chín.
Kỷ niệm 30/4 | Kỷ niệm ngày ba mươi tháng tư.
Họp lúc 8 giờ, thứ Hai 5/7 | Họp lúc tám giờ, thứ Hai ngày năm tháng bảy.
Nộp hồ sơ từ 01/5 | Nộp hồ sơ từ ngày một tháng năm.
Lịch: 05/7 | Lịch, ngày năm tháng bảy.
tháng 1 2024 | tháng một năm hai nghìn không trăm hai mươi tư.
tháng 12 2023 | tháng mười hai năm hai nghìn không trăm hai mươi ba.
phần ix | phần chín.
khoản vi | khoản sáu.
thứ viii | thứ tám.
năm MMXX | năm hai nghìn không trăm hai mươi.
1t | một tỷ.
2t3 | hai tỷ ba trăm triệu.
05p00s | năm phút.
5cm/s | năm xăng ti mét mỗi giây.
30 m/min | ba mươi mét mỗi phút.
10$/giờ | mười đô la mỗi giờ.
0,5 USD | không phẩy năm đô la Mỹ.
10£ | mười bảng Anh.
10¥ | mười yên Nhật.
Công tác GPMB | Công tác giải phóng mặt bằng.
cấp GCN QSDĐ | cấp giấy chứng nhận quyền sử dụng đất.
xây dựng NTM | xây dựng nông thôn mới.
Đội PCCC&CNCH | Đội phòng cháy chữa cháy và cứu nạn cứu hộ.
bảo đảm VSATTP | bảo đảm vệ sinh an toàn thực phẩm.
thành lập HTX | thành lập hợp tác xã.
Ban Thường vụ, BTV Quận ủy | Ban Thường vụ, Ban Thường vụ Quận ủy.
Nghị quyết 04-NQ/HU | Nghị quyết bốn của Huyện ủy.
"""

SOUTHERN = r"""
105 | một trăm lẻ năm.
1.005 | một ngàn không trăm lẻ năm.
24 | hai mươi bốn.
2020 | hai ngàn không trăm hai mươi.
1.000 | một ngàn.
1.250.000 | một triệu hai trăm năm mươi ngàn.
41 | bốn mươi mốt.
14 | mười bốn.
204 | hai trăm lẻ bốn.
ngày 23/04/2020 | ngày hai mươi ba tháng tư năm hai ngàn không trăm hai mươi.
"""
